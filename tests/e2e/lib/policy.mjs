// An independent reading of config/rbac_policy.csv for the authorization matrix: role ladder
// from `g` lines, grants from `p` lines, objects matched like Casbin's keyMatch ('*' = any rest).
// It only understands the shipped policy's shape (allow lines, deny-override), which is the point:
// the server's enforcer and this table must agree on every route.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sourceDir } from './server.mjs';

export function loadPolicy(file = path.join(sourceDir, 'config/rbac_policy.csv')) {
  const parents = new Map();
  const grants = [];
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [kind, ...fields] = line.split(',').map((field) => field.trim());
    if (kind === 'g') {
      const [member, role] = fields;
      parents.set(member, [...(parents.get(member) ?? []), role]);
    } else if (kind === 'p') {
      const [sub, obj, act, eft = 'allow'] = fields;
      grants.push({ sub, obj, act, eft });
    }
  }
  const rolesOf = (role) => {
    const seen = new Set([role]);
    const queue = [role];
    while (queue.length) for (const next of parents.get(queue.shift()) ?? []) if (!seen.has(next)) { seen.add(next); queue.push(next); }
    return seen;
  };
  const keyMatch = (key, pattern) => {
    const star = pattern.indexOf('*');
    return star < 0 ? key === pattern : key.startsWith(pattern.slice(0, star));
  };
  return {
    allowed(role, obj, act) {
      const roles = rolesOf(role);
      const matching = grants.filter((g) => roles.has(g.sub) && keyMatch(obj, g.obj) && (g.act === act || g.act === '*'));
      return matching.some((g) => g.eft === 'allow') && !matching.some((g) => g.eft === 'deny');
    },
  };
}
