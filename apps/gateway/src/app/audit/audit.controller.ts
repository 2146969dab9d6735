import { Controller, Get } from '@nestjs/common';
import { AuditQuery, AuditVerify } from '@warden/contracts';
import { RequestScope } from '@warden/messaging';
import { z } from 'zod';
import { RequestScopeParam } from '../upstream/request-scope';
import { ScopedRpcClient } from '../upstream/scoped-rpc.client';
import { ValidatedSession } from '../auth/session-authenticator.service';
import { CurrentSession } from '../auth/session.guard';
import { RequirePermission } from '../authz/permission.guard';
import { ValidQuery } from '../validation/valid-input.decorators';

const EventsQuery = z
  .object({
    action: z.string().optional(),
    actorId: z.string().optional(),
    from: z.string().optional(),
    to: z.string().optional(),
    limit: z
      .string()
      .regex(/^\d{1,4}$/, { error: 'must be a whole number from 1 to 500' })
      .transform(Number)
      .optional(),
    cursor: z.string().optional(),
  })
  .strict();

/** The audit log through the gateway (audit:read); reading it is itself audited. */
@Controller('audit')
export class AuditController {
  constructor(private readonly rpc: ScopedRpcClient) {}

  @Get('events')
  @RequirePermission('audit', 'read')
  events(@RequestScopeParam() scope: RequestScope, @CurrentSession() session: ValidatedSession, @ValidQuery(EventsQuery) query: z.output<typeof EventsQuery>) {
    return this.rpc.request(scope, AuditQuery, { readerId: session.userId, ...query });
  }

  @Get('verify')
  @RequirePermission('audit', 'read')
  async verify(@RequestScopeParam() scope: RequestScope) {
    const { valid, checked, head, firstBrokenSeq } = await this.rpc.request(scope, AuditVerify, {}, { timeoutMs: 60_000 });
    return { valid, checked, head, firstBrokenSeq };
  }
}
