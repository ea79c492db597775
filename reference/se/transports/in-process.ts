/**
 * A CardConnection to a virtual card in the same process: no socket, no reader, the APDUs go
 * straight to VirtualCard.transmit. The card is powered on at connect and off at close.
 */
import { CardConnectionError, type CardConnection } from '../../../runtime/card/card-connection.js';
import type { VirtualCard } from '../virtual-card.js';

export function connectInProcess(card: VirtualCard): CardConnection {
  let closed = false;
  const open = (): void => {
    if (closed) throw new CardConnectionError('the in-process connection is closed');
  };
  card.powerOn();
  return {
    get atr() {
      return card.atr.slice();
    },
    async transmit(command) {
      open();
      return card.transmit(command);
    },
    async reset() {
      open();
      card.reset();
      return card.atr.slice();
    },
    async close() {
      if (closed) return;
      closed = true;
      card.powerOff();
    },
  };
}
