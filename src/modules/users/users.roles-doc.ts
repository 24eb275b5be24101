// Renders docs/roles.md from the tables the code enforces (domain/roles.ts and
// users.route-rules.ts), so the docs cannot drift (users.roles-doc.test.ts compares the
// committed file with this output). Regenerate with `npm run docs:roles`.
import { PERMISSIONS, PERMISSION_NAMES, ROLES } from '../../domain/roles.ts';
import { PUBLIC_ROUTES, ROUTE_RULES } from './users.route-rules.ts';

const code = (s: string): string => `\`${s}\``;
const yes = (b: boolean): string => (b ? 'yes' : '—');

export function renderRolesMarkdown(): string {
  const perms = [
    '| permission | what it covers | ' + ROLES.join(' | ') + ' | API key |',
    '|---|---|' + ROLES.map(() => '---|').join('') + '---|',
    ...PERMISSION_NAMES.map((name) => {
      const p = PERMISSIONS[name];
      return `| ${code(name)} | ${p.description} | ${ROLES.map((r) => yes((p.roles as readonly string[]).includes(r))).join(' | ')} | ${yes(p.apiKey)} |`;
    }),
  ];
  const routes = [
    '| route | permission | notes |',
    '|---|---|---|',
    ...Object.entries(PUBLIC_ROUTES).map(([route, note]) => `| ${code(route)} | — (no authentication) | ${note} |`),
    ...Object.entries(ROUTE_RULES)
      .sort(([a], [b]) => routeKey(a).localeCompare(routeKey(b)))
      .map(([route, r]) => {
        const notes = [
          ...Object.entries(r.fields ?? {}).map(([field, p]) => `the field ${code(field)} needs ${code(p)}`),
          ...(r.audit ? ['audited'] : []),
          ...(r.note ? [r.note] : []),
        ];
        return `| ${code(route)} | ${code(r.permission)} | ${notes.join('; ')} |`;
      }),
  ];
  return `# Roles and permissions

<!-- Generated from src/domain/roles.ts and src/modules/users/users.route-rules.ts by \`npm run docs:roles\`; do not edit by hand. -->

Every \`/v1\` route needs one permission; a console user's role holds it or the request is
answered \`403 forbidden\`. A route with no rule is refused (default deny). API keys act as
the owner, except that they never manage users. The same table is served at \`GET /v1/roles\`,
and \`GET /v1/me\` lists the permissions of whoever asks. See [users.md](users.md).

## Permissions by role

${perms.join('\n')}

## Routes

${routes.join('\n')}
`;
}

/** Sorted by path, then method, so a resource's routes sit together. */
const routeKey = (route: string): string => {
  const [method = '', path = ''] = route.split(' ');
  return `${path} ${method}`;
};
