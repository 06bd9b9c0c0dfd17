// Every `/backup` subcommand, in the order `help` lists them.

import type { AnyCommand } from './command';
import { describeCommand } from './subcommands/describe';
import { doctorCommand } from './subcommands/doctor';
import { cancelCommand } from './subcommands/cancel';
import { helpCommand } from './subcommands/help';
import { instancesCommand } from './subcommands/instances';
import { deleteCommand, reconcileCommand, releaseCommand, restoreCommand, verifyCommand } from './subcommands/later';
import { listCommand } from './subcommands/list';
import { runCommand } from './subcommands/run';
import { settingsCommand } from './subcommands/settings';
import { tasksCommand } from './subcommands/tasks';

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
    tasksCommand,
    cancelCommand,
    releaseCommand,
    verifyCommand,
    reconcileCommand,
  );
  return commands;
}
