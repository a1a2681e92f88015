export { httpActionsFor } from '../composition/http-actions.js';
