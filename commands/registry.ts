// Every `/backup` subcommand, in the order `help` lists them.

import type { AnyCommand } from './command';
import { describeCommand } from './subcommands/describe';
import { doctorCommand } from './subcommands/doctor';
import { cancelCommand } from './subcommands/cancel';
import { helpCommand } from './subcommands/help';
import { instancesCommand } from './subcommands/instances';
import { approveCommand, rejectCommand } from './subcommands/approve';
import { deleteCommand } from './subcommands/delete';
import { reconcileCommand } from './subcommands/reconcile';
import { releaseCommand } from './subcommands/release';
import { listCommand } from './subcommands/list';
import { restoreCommand } from './subcommands/restore';
import { runCommand } from './subcommands/run';
import { settingsCommand } from './subcommands/settings';
import { tasksCommand } from './subcommands/tasks';
import { verifyCommand } from './subcommands/verify';

export function allCommands(): AnyCommand[] {
  const commands: AnyCommand[] = [];
  commands.push(
    helpCommand(() => commands),
    instancesCommand,
    doctorCommand,
    settingsCommand,
    listCommand,
    describeCommand,
    runCommand,
    deleteCommand,
    restoreCommand,
    approveCommand,
    rejectCommand,
    tasksCommand,
    cancelCommand,
    releaseCommand,
    verifyCommand,
    reconcileCommand,
  );
  return commands;
}
