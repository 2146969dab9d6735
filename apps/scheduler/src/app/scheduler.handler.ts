import { InjectQueue } from '@nestjs/bullmq';
import { Controller } from '@nestjs/common';
import { ErrorCode, SchedulerBlocksLift, SchedulerBlocksList, SchedulerScansGet, SchedulerScansList, SchedulerScansRun, ValidRequestOf } from '@warden/contracts';
import { ContractPayload, HandleRequest, rpcError } from '@warden/messaging';
import { Clock } from '@warden/service-host';
import { Queue } from 'bullmq';
import { IpBlocksService } from './blocklist/ip-blocks.service';
import { RETRYING_JOB, SECURITY_SCAN_QUEUE, SecurityScanJobData } from './queues';
import { ScanReportRepository } from './security-scan/scan-report.repository';
import { SecurityScanService } from './security-scan/security-scan.service';

@Controller()
export class SchedulerHandler {
  constructor(
    @InjectQueue(SECURITY_SCAN_QUEUE) private readonly scanQueue: Queue<SecurityScanJobData>,
    private readonly scans: SecurityScanService,
    private readonly reports: ScanReportRepository,
    private readonly blocks: IpBlocksService,
    private readonly clock: Clock,
  ) {}

  @HandleRequest(SchedulerScansRun)
  async run(@ContractPayload(SchedulerScansRun) r: ValidRequestOf<typeof SchedulerScansRun>) {
    const existing =
      r.from && r.to
        ? await this.reports.ensure({ from: new Date(r.from), to: new Date(r.to) }, 'manual', r.actorId)
        : await this.scans.reportFor(this.clock.now(), 'manual', r.actorId);
    const report = await this.reports.requeue(existing.id);
    await this.scanQueue.add('scan', { reportId: report.id }, RETRYING_JOB);
    return { reportId: report.id, status: report.status, window: report.window };
  }

  @HandleRequest(SchedulerScansList)
  list(@ContractPayload(SchedulerScansList) r: ValidRequestOf<typeof SchedulerScansList>) {
    return this.reports.list(r.limit, r.cursor);
  }

  @HandleRequest(SchedulerScansGet)
  async get(@ContractPayload(SchedulerScansGet) r: ValidRequestOf<typeof SchedulerScansGet>) {
    const report = await this.reports.get(r.id);
    if (!report) throw rpcError(ErrorCode.NOT_FOUND, 'no scan report with this id');
    return report;
  }

  @HandleRequest(SchedulerBlocksList)
  async blocksList(@ContractPayload(SchedulerBlocksList) _r: ValidRequestOf<typeof SchedulerBlocksList>) {
    return { items: await this.blocks.list() };
  }

  @HandleRequest(SchedulerBlocksLift)
  lift(@ContractPayload(SchedulerBlocksLift) r: ValidRequestOf<typeof SchedulerBlocksLift>) {
    return this.blocks.lift(r.actorId, r.ip);
  }
}
