/** Approvals are decided by the driver on every surface; kept here for existing imports. */
export { type ApprovalVerdict, type Approvee, mayApprove } from '../core/incident/driver/approvals.js';
