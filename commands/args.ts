// Shared argument rules for the subcommands, as zod schemas with chat-ready messages.

import { z } from 'zod';
import { isBackupSetId, isInstanceId, isRestoreId, validateInstanceId } from '../src/domain/ids';
import { UserError } from '../src/domain/errors';
import { quoteInput } from '../src/domain/text';

export const instanceArg = z.string({ error: 'name the instance, e.g. prod-1' }).refine(isInstanceId, {
  error: (issue) => {
    try {
      validateInstanceId(String(issue.input));
    } catch (err) {
      if (err instanceof UserError) return err.message;
    }
    return `instance ids are lowercase letters, digits and hyphens, like prod-1; got ${quoteInput(String(issue.input))}`;
  },
});

export const backupSetArg = z
  .string({ error: 'name the backup set, e.g. bk-20261124-0230-prod-1 (see /backup list <instance>)' })
  .refine((v) => isBackupSetId(v), {
    error: (issue) => `backup set ids look like bk-20261124-0230-prod-1; got ${quoteInput(String(issue.input))}`,
  });

export const restoreArg = z
  .string({ error: 'name the restore request, e.g. rs-20261124-1015-staging-1' })
  .refine((v) => isRestoreId(v), {
    error: (issue) => `restore ids look like rs-20261124-1015-staging-1; got ${quoteInput(String(issue.input))}`,
  });

