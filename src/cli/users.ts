/**
 * `baton users add --name --email --role marketing|sales|viewer | list | remove EMAIL`: the named
 * users of the dashboard and of `baton agreement approve`. A new user's token is printed once;
 * the store keeps only its hash. The role decides what a user approves: marketing's or sales'
 * side of the agreement; a viewer only reads.
 */
import { parseArgs } from 'node:util';
import { InputError } from '../platform/errors.ts';
import { emailProblem } from '../platform/edge-input.ts';
import { addUser } from '../server/auth.ts';
import type { UserRole } from '../store/types.ts';
import { runWithStore } from './with-store.ts';

export const summary = 'named users of the dashboard and approvals: add, list, remove';

const USAGE = `usage: baton users add --name NAME --email EMAIL --role marketing|sales|viewer
       baton users list [--json]
       baton users remove EMAIL

A marketing or sales user approves the agreement for that side (dashboard, or baton agreement
approve); a viewer only reads. add prints the user's token once: give it to them, it is not kept.`;

const ROLES: readonly UserRole[] = ['marketing', 'sales', 'viewer'];

/** Emails compare trimmed and lower-cased, as everywhere in Baton. */
const normalizeEmail = (email: string) => email.trim().toLowerCase();

export function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || !['add', 'list', 'remove'].includes(sub)) {
    console.log(USAGE);
    return Promise.resolve(sub === '--help' || sub === '-h' ? 0 : 1);
  }
  return runWithStore(`users ${sub}`, USAGE, rest, async (store) => {
    const { values, positionals } = parseArgs({
      args: rest,
      options: {
        name: { type: 'string' },
        email: { type: 'string' },
        role: { type: 'string' },
        json: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
    if (sub === 'list') {
      const users = await store.listUsers();
      if (values.json) console.log(JSON.stringify(users, null, 2));
      else if (!users.length) console.log('no users (add one with baton users add)');
      else for (const u of users) console.log(`${u.email}\t${u.role}\t${u.name}\tadded ${u.createdAt.slice(0, 10)}`);
      return 0;
    }
    if (sub === 'remove') {
      const email = normalizeEmail(values.email ?? positionals[0] ?? '');
      if (!email) throw new InputError('remove: give the email of the user to remove', { field: 'email' });
      if (!(await store.removeUser(email))) throw new InputError(`no user ${email}`, { field: 'email' });
      console.log(`removed ${email}; their sessions ended`);
      return 0;
    }
    const name = values.name?.trim();
    const email = normalizeEmail(values.email ?? '');
    const role = values.role as UserRole | undefined;
    if (!name) throw new InputError('--name: required', { field: 'name' });
    const problem = emailProblem(email);
    if (problem) throw new InputError(`--email: ${problem}`, { field: 'email' });
    if (!role || !ROLES.includes(role))
      throw new InputError(`--role: expected one of ${ROLES.join(', ')}, got '${values.role ?? ''}'`, {
        field: 'role',
      });
    const { user, token } = await addUser(store, { name, email, role }, new Date());
    console.log(`added ${user.name} <${user.email}> as ${user.role}`);
    console.log(`token (shown once; Baton keeps only its hash): ${token}`);
    return 0;
  });
}
