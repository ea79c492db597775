-- The reference JPKI CA's state. Serial numbers are the INTEGER's DER content octets in
-- uppercase hex (positive, minimal), so text order is not numeric order but equality is exact.
-- Every status change bumps change_counter in the same transaction; the publisher watches it.

CREATE TABLE ca_generations (
  ca_id text PRIMARY KEY CHECK (ca_id ~ '^(sign|auth)ca[0-9]{2}$'),
  kind text NOT NULL CHECK (kind IN ('signature', 'userAuthentication')),
  certificate bytea NOT NULL,
  key_label text NOT NULL UNIQUE,
  serial_hex text NOT NULL CHECK (serial_hex ~ '^([0-7][0-9A-F]|00[89A-F][0-9A-F])([0-9A-F]{2})*$'),
  not_before timestamptz NOT NULL,
  not_after timestamptz NOT NULL,
  created_at timestamptz NOT NULL,
  -- An ARL entry once the CA certificate itself is revoked.
  revoked_at timestamptz,
  revocation_reason text,
  CHECK ((revoked_at IS NULL) = (revocation_reason IS NULL))
);

CREATE TABLE holders (
  holder_id text PRIMARY KEY,
  -- BasicFourInfo as JSON text (generated/messages/types.ts); the signature certificate carries it.
  basic_four_info text NOT NULL,
  municipality_code text NOT NULL CHECK (municipality_code ~ '^[0-9]{5}$'),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE certificates (
  ca_id text NOT NULL REFERENCES ca_generations (ca_id),
  serial_hex text NOT NULL UNIQUE CHECK (serial_hex ~ '^([0-7][0-9A-F]|00[89A-F][0-9A-F])([0-9A-F]{2})*$'),
  der bytea NOT NULL,
  kind text NOT NULL CHECK (kind IN ('signature', 'userAuthentication')),
  carrier text NOT NULL CHECK (carrier IN ('card', 'smartphone')),
  holder_id text NOT NULL REFERENCES holders (holder_id),
  municipality_code text NOT NULL CHECK (municipality_code ~ '^[0-9]{5}$'),
  not_before timestamptz NOT NULL,
  not_after timestamptz NOT NULL,
  issued_at timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN ('good', 'held', 'revoked')),
  revoked_at timestamptz,
  revocation_reason text,
  -- Smartphone certificates: the card certificate of the same kind they were issued from, and the device.
  linked_card_serial_hex text REFERENCES certificates (serial_hex),
  device_id text,
  PRIMARY KEY (ca_id, serial_hex),
  CHECK (not_before < not_after),
  CHECK ((status = 'good') = (revoked_at IS NULL AND revocation_reason IS NULL)),
  CHECK ((status = 'held') = (revocation_reason IS NOT DISTINCT FROM 'certificateHold')),
  CHECK (revocation_reason IS NULL OR revocation_reason IN ('unspecified', 'keyCompromise', 'cACompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation', 'certificateHold', 'privilegeWithdrawn', 'aACompromise')),
  CHECK ((carrier = 'smartphone') = (linked_card_serial_hex IS NOT NULL AND device_id IS NOT NULL))
);

CREATE INDEX certificates_by_holder ON certificates (holder_id, carrier, kind);
CREATE INDEX certificates_revoked_by_point ON certificates (ca_id, municipality_code) WHERE status <> 'good';
CREATE INDEX certificates_by_expiry ON certificates (ca_id, not_after);

CREATE TABLE linkage_records (
  record_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ca_id text NOT NULL REFERENCES ca_generations (ca_id),
  old_ca_id text NOT NULL REFERENCES ca_generations (ca_id),
  old_serial_hex text NOT NULL REFERENCES certificates (serial_hex),
  new_serial_hex text NOT NULL REFERENCES certificates (serial_hex),
  reason text NOT NULL CHECK (reason IN ('renewal', 'reissue', 'mobileIssued', 'mobileReplaced')),
  linked_at timestamptz NOT NULL,
  CHECK (old_serial_hex <> new_serial_hex)
);

CREATE INDEX linkage_records_by_ca ON linkage_records (ca_id, record_id);

CREATE TABLE change_counter (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  value bigint NOT NULL CHECK (value >= 0)
);

INSERT INTO change_counter (singleton, value) VALUES (true, 0);
