/**
 * The administrator's commands in words, as `npm run lab -- admin …` and the admin API take
 * them: one command name and its arguments, checked before anything changes.
 */
import type { LabAdmin } from './index';

const USAGE: Record<string, string> = {
  'add-group': '<user> <group>',
  'rename-group': '<user> <group> <new name>',
  'delete-group': '<user> <group>',
  'add-contact': '<user> <group> <persona id> [nickname]',
  'rename-contact': '<user> <group> <persona id> <nickname>',
  'delete-contact': '<user> <group> <persona id>',
  'set-rule': '<name> <number begins with> <number of digits or -> <digits to remove> <prefix or -> [priority]',
  'delete-rule': '<name>',
  im: 'on|off',
  'move-presence': '<host> <port> [udp|tcp|tls]',
  'voicemail-pilot': '<number>',
  licence: 'im|audio|video on|off',
  notify: 'on|off',
  echo: 'on|off',
};

export function adminUsage(): string {
  return Object.entries(USAGE)
    .map(([name, args]) => `  ${name} ${args}`)
    .join('\n');
}

const onOff = (value: string | undefined, what: string): boolean => {
  if (value === 'on' || value === 'off') return value === 'on';
  throw new Error(`${what} takes on or off, not "${value ?? ''}"`);
};

const whole = (value: string | undefined, what: string): number => {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < 0) throw new Error(`${what} must be a whole number, not "${value ?? ''}"`);
  return n;
};

/** Runs one command; resolves with a line saying what was done. */
export async function runAdminCommand(admin: LabAdmin, argv: string[]): Promise<string> {
  const [command, ...args] = argv;
  const usage = command ? USAGE[command] : undefined;
  if (!command || usage === undefined) throw new Error(`unknown command "${command ?? ''}"; commands:\n${adminUsage()}`);
  const required = usage.split(' ').filter((a) => a.startsWith('<') || a === 'on|off' || a === 'im|audio|video').length;
  if (args.length < required) throw new Error(`usage: ${command} ${usage}`);
  const [a, b, c, d, e, f] = args as [string, string, string, string?, string?, string?];
  switch (command) {
    case 'add-group':
      await admin.addGroup(a, b);
      return `added the group "${b}" for ${a}`;
    case 'rename-group':
      await admin.renameGroup(a, b, c);
      return `renamed "${b}" to "${c}" for ${a}`;
    case 'delete-group':
      await admin.deleteGroup(a, b);
      return `deleted the group "${b}" of ${a}`;
    case 'add-contact':
      await admin.addContact(a, b, c, d ?? '');
      return `added ${c} to "${b}" for ${a}`;
    case 'rename-contact':
      await admin.renameContact(a, b, c, d ?? '');
      return `${c} is now "${d ?? ''}" for ${a}`;
    case 'delete-contact':
      await admin.deleteContact(a, b, c);
      return `removed ${c} from "${b}" for ${a}`;
    case 'set-rule':
      await admin.setDialRule({
        type: 1,
        name: a,
        description: `${a} (lab administrator)`,
        priority: f === undefined ? 1 : whole(f, 'the priority'),
        numberBeginsWith: b === '-' ? '' : b,
        numberOfDigits: c === '-' ? null : whole(c, 'the number of digits'),
        digitsToBeRemoved: whole(d, 'the digits to remove'),
        prefix: e === undefined || e === '-' ? '' : e,
      });
      return `dialing rule "${a}" set`;
    case 'delete-rule':
      await admin.deleteDialRule(a);
      return `dialing rule "${a}" deleted`;
    case 'im':
      await admin.setImEnabled(onOff(a, 'im'));
      return `IM turned ${a}`;
    case 'move-presence': {
      const protocol = (c ?? 'tcp').toLowerCase();
      if (protocol !== 'udp' && protocol !== 'tcp' && protocol !== 'tls') throw new Error(`the protocol is udp, tcp or tls, not "${protocol}"`);
      await admin.movePresenceServer({ host: a, port: whole(b, 'the port'), protocol });
      return `presence server moved to ${protocol.toUpperCase()} ${a}:${b}`;
    }
    case 'voicemail-pilot':
      await admin.setVoicemailPilot(a);
      return `voicemail pilot number is now ${a}`;
    case 'licence': {
      if (a !== 'im' && a !== 'audio' && a !== 'video') throw new Error(`licence takes im, audio or video, not "${a}"`);
      admin.setLicence(a, onOff(b, 'licence'));
      return `licence ${a} ${b} (clients read it when they re-read the configuration)`;
    }
    case 'notify':
      admin.notify = onOff(a, 'notify');
      return `change notifications ${a}`;
    case 'echo':
      admin.echoEdits = onOff(a, 'echo');
      return `edits made over SOAP ${a === 'on' ? 'are' : 'are not'} told to the user's other clients`;
  }
  throw new Error(`unknown command "${command}"`);
}
