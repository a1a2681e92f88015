/**
 * The terminal's decisions: a prompt per question, or with --auto the answers a drill gives
 * (--yes: approve and call actions, skip people's steps saying so; without: leave them).
 */
import type { Answer, Decision, Decisions } from '../../core/incident/driver/ports.js';
import type { Incident } from '../../core/incident/model.js';

export interface TerminalDecisionsOptions {
  readonly ask?: ((question: string) => Promise<string>) | undefined;
  readonly write: (text: string) => void;
  readonly auto: boolean;
  readonly yes: boolean;
}

export class TerminalDecisions implements Decisions {
  constructor(private readonly o: TerminalDecisionsOptions) {}

  async ask(incident: Incident, decision: Decision): Promise<Answer | undefined> {
    if (this.o.auto) return this.auto(incident, decision);
    switch (decision.kind) {
      case 'approve':
        return yesNo(
          await this.prompt(`  Approve '${decision.step.id}' (${decision.step.risk} risk)? [y/N] `),
        );
      case 'call-action':
        return yesNo(await this.prompt(`  Call HTTP action '${decision.action}' now? [y/N] `));
      case 'status':
        return yesNo(await this.prompt(`Mark the incident ${decision.status}? [y/N] `));
      case 'metrics-unavailable': {
        const answer = await this.prompt('  [s]kip every metric step (recorded), or [r]etry? [S/r] ');
        return { choice: answer === 'r' ? 'retry' : 'skip' };
      }
      case 'verify-by-hand': {
        const note = await this.text(
          `  Nothing measured the fix (${decision.skipped.length} verification check(s) skipped). Verified by hand? Say how (Enter: leave it unverified): `,
        );
        return note ? { choice: 'yes', reason: note } : { choice: 'no' };
      }
      case 'manual': {
        const answer = await this.prompt('  [d]one, [s]kip, or Enter to leave it pending: ');
        if (answer === 'd') return { choice: 'done' };
        if (answer === 's')
          return {
            choice: 'skip',
            reason: (await this.text('  Why skip it? ')) || 'skipped from the terminal',
          };
        return { choice: 'leave' };
      }
    }
  }

  private async prompt(question: string): Promise<string> {
    return (await this.text(question)).toLowerCase();
  }

  /** A person's words (a reason) are kept as typed. */
  private async text(question: string): Promise<string> {
    if (!this.o.ask) return '';
    return (await this.o.ask(question)).trim();
  }

  private say(question: string, answer: Answer): Answer {
    this.o.write(
      `${question}${answer.choice === 'yes' ? 'y' : answer.choice} (--auto${this.o.yes ? ' --yes' : ''})\n`,
    );
    return answer;
  }

  private auto(incident: Incident, decision: Decision): Answer {
    const yes = this.o.yes;
    switch (decision.kind) {
      case 'approve':
        return yes
          ? this.say(`  Approve '${decision.step.id}' (${decision.step.risk} risk)? `, { choice: 'yes' })
          : { choice: 'no' };
      case 'call-action':
        return yes
          ? this.say(`  Call HTTP action '${decision.action}' now? `, { choice: 'yes' })
          : { choice: 'no' };
      case 'status': {
        // A drill says yes only when it contained something, or verification passed.
        const phase = decision.status === 'mitigated' ? 'containment' : 'verification';
        const steps = incident.steps.filter((s) => s.phase === phase);
        const earned =
          decision.status === 'mitigated'
            ? steps.some((s) => s.status === 'done')
            : steps.every((s) => s.status === 'done');
        return yes && earned
          ? this.say(`Mark the incident ${decision.status}? `, { choice: 'yes' })
          : { choice: 'no' };
      }
      case 'metrics-unavailable':
        return { choice: 'skip' };
      // A drill has no person to look at a dashboard: it stays unverified, saying so.
      case 'verify-by-hand':
        return { choice: 'no' };
      case 'manual':
        if (!yes) return { choice: 'leave' };
        // A drill has no people: their steps are skipped, saying so, rather than pretended done.
        if (decision.step.kind === 'follow-up')
          return { choice: 'leave', reason: 'left open: tracked as a follow-up, with reminders' };
        return { choice: 'skip', reason: 'drill: a person does this in a real incident' };
    }
  }
}

function yesNo(answer: string): Answer {
  return { choice: answer === 'y' ? 'yes' : 'no' };
}
