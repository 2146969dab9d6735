import { Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { IpAddress, SchedulerBlocksLift, SchedulerBlocksList, SchedulerScansGet, SchedulerScansList, SchedulerScansRun } from '@warden/contracts';
import { RequestScope } from '@warden/messaging';
import { z } from 'zod';
import { RequestScopeParam } from '../upstream/request-scope';
import { ScopedRpcClient } from '../upstream/scoped-rpc.client';
import { ValidatedSession } from '../auth/session-authenticator.service';
import { CurrentSession } from '../auth/session.guard';
import { RequirePermission } from '../authz/permission.guard';
import { ValidBody, ValidQuery } from '../validation/valid-input.decorators';
import { ZodValidationPipe } from '../validation/zod-validation.pipe';

const Instant = z.iso.datetime({ error: 'must be an ISO-8601 UTC time' });
// The body is optional: without one, the default window is scanned.
const RunScanBody = z.object({ from: Instant.optional(), to: Instant.optional() }).strict().default({});
const ListScansQuery = z
  .object({
    limit: z
      .string()
      .regex(/^\d{1,3}$/, { error: 'must be a whole number from 1 to 100' })
      .transform(Number)
      .optional(),
    cursor: z.string().optional(),
  })
  .strict();
const ReportIdParam = new ZodValidationPipe(z.uuid({ error: 'must be a report id' }));
const IpParam = new ZodValidationPipe(IpAddress);

/** Security scans and the auto-ban blocklist (DESIGN.md), served by the scheduler. */
@Controller('security')
export class SecurityController {
  constructor(private readonly rpc: ScopedRpcClient) {}

  /** Queues a scan of [from, to) — by default the SECURITY_SCAN_WINDOW ending now — and answers at once. */
  @Post('scans')
  @HttpCode(202)
  @RequirePermission('scans', 'run')
  run(@RequestScopeParam() scope: RequestScope, @CurrentSession() session: ValidatedSession, @ValidBody(RunScanBody) body: z.output<typeof RunScanBody>) {
    return this.rpc.request(scope, SchedulerScansRun, { actorId: session.userId, ...body });
  }

  @Get('scans')
  @RequirePermission('scans', 'read')
  list(@RequestScopeParam() scope: RequestScope, @ValidQuery(ListScansQuery) query: z.output<typeof ListScansQuery>) {
    return this.rpc.request(scope, SchedulerScansList, query);
  }

  @Get('scans/:id')
  @RequirePermission('scans', 'read')
  get(@RequestScopeParam() scope: RequestScope, @Param('id', ReportIdParam) id: string) {
    return this.rpc.request(scope, SchedulerScansGet, { id });
  }

  @Get('blocks')
  @RequirePermission('blocks', 'read')
  blocks(@RequestScopeParam() scope: RequestScope) {
    return this.rpc.request(scope, SchedulerBlocksList, {});
  }

  @Delete('blocks/:ip')
  @RequirePermission('blocks', 'manage')
  lift(@RequestScopeParam() scope: RequestScope, @CurrentSession() session: ValidatedSession, @Param('ip', IpParam) ip: string) {
    return this.rpc.request(scope, SchedulerBlocksLift, { actorId: session.userId, ip });
  }
}
