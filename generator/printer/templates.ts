import { readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';

/**
 * Renders the handlebars bodies in templates/. Templates write TypeScript, not HTML, so
 * nothing is escaped; `json` embeds a value as a literal.
 */
export function createTemplateRenderer(templatesRoot: string): (name: string, data: object) => string {
  const handlebars = Handlebars.create();
  handlebars.registerHelper('json', (value: unknown) => JSON.stringify(value));
  handlebars.registerHelper('concat', (...parts: unknown[]) => parts.slice(0, -1).join(''));
  const compiled = new Map<string, Handlebars.TemplateDelegate>();
  return (name, data) => {
    let template = compiled.get(name);
    if (template === undefined) {
      template = handlebars.compile(readFileSync(path.join(templatesRoot, name), 'utf8'), { noEscape: true, strict: true });
      compiled.set(name, template);
    }
    return template(data);
  };
}
