import { z } from 'zod';

/** Role names: 1–64 of a-z 0-9 _ : - */
export const RoleName = z.string().regex(/^[a-z0-9_:-]{1,64}$/, { error: 'must be 1-64 characters of a-z 0-9 _ : -' });
/** Resources and actions: 1–64 of a-z 0-9 _ : . - , or `*` as an explicit wildcard for "any". */
export const PermissionPart = z.string().regex(/^(\*|[a-z0-9_:.-]{1,64})$/, { error: 'must be * or 1-64 characters of a-z 0-9 _ : . -' });
/** In a check, `*` is not a wildcard but a literal the caller asks about; only grants hold wildcards. */
export const CheckedPart = z.string().regex(/^[a-z0-9_:.-]{1,64}$/, { error: 'must be 1-64 characters of a-z 0-9 _ : . -' });

export const Permission = z.object({ resource: PermissionPart, action: PermissionPart }).strict();
export type Permission = z.infer<typeof Permission>;

export const RoleView = z.object({
  name: z.string(),
  description: z.string(),
  permissions: z.array(z.object({ resource: z.string(), action: z.string() })),
  createdAt: z.iso.datetime(),
});
export type RoleView = z.infer<typeof RoleView>;

/** Who asks for an administrative change (for the audit log): a user id or `system:<service>`. */
export const ActorId = z.string().min(1).max(128);

export const CheckDecision = z.object({ allowed: z.boolean(), matchedRole: z.string().nullable() });
export type CheckDecision = z.infer<typeof CheckDecision>;
