// Jobs of the automation module: automation resumes in a conversation after a quiet spell.
import type { AppContext } from '../../platform/context.ts';
import type { JobHandler } from '../../platform/jobs/runner.ts';
import { PermanentJobError } from '../../platform/jobs/runner.ts';
import { resumeIfQuiet } from './automation.answer.ts';

export function automationJobHandlers(ctx: AppContext): Record<string, JobHandler> {
  return {
    'automation.resume': async (job) => {
      const id = job.payload['conversation_id'];
      if (typeof id !== 'string' || !job.merchant_id) throw new PermanentJobError('automation.resume needs conversation_id and a merchant');
      await resumeIfQuiet(ctx, job.merchant_id, id);
    },
  };
}
