/** The wiring both surfaces share lives in src/composition; the CLI's commands import it from here. */
export { buildValidationContext, bundledSchemaValidator } from '../composition/validation-context.js';
