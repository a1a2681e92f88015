/** The check figure (`612/s, over the 50/s limit ✗`) lives in the core (the postmortem uses it): src/core/checks/figure.ts. */
export {
  type CheckLine,
  checkFigure,
  checkLines,
  checkMark,
  checkMeaning,
  criterion,
  evaluationFigure,
  findRunbookCheck,
  isEvaluation,
} from '../core/checks/figure.js';
