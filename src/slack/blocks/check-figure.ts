/** The check figure (`612/s > 50/s ✗`) is shared with the terminal: it lives in src/format. */
export { checkFigure, checkMark, findRunbookCheck, isEvaluation } from '../../format/check-figure.js';
