import { Controller } from '@nestjs/common';
import { AuditCheckpoint, AuditQuery, AuditStats, AuditVerify, ValidRequestOf } from '@warden/contracts';
import { ContractPayload, HandleRequest } from '@warden/messaging';
import { ChainVerifier } from './chain/chain-verifier.service';
import { AuditQueryService } from './query/audit-query.service';

@Controller()
export class AuditHandler {
  constructor(
    private readonly queries: AuditQueryService,
    private readonly verifier: ChainVerifier,
  ) {}

  @HandleRequest(AuditQuery)
  query(@ContractPayload(AuditQuery) r: ValidRequestOf<typeof AuditQuery>) {
    return this.queries.query(r);
  }

  @HandleRequest(AuditStats)
  stats(@ContractPayload(AuditStats) r: ValidRequestOf<typeof AuditStats>) {
    return this.queries.stats(r);
  }

  @HandleRequest(AuditVerify)
  verify(@ContractPayload(AuditVerify) _r: ValidRequestOf<typeof AuditVerify>) {
    return this.verifier.verify();
  }

  @HandleRequest(AuditCheckpoint)
  checkpoint(@ContractPayload(AuditCheckpoint) _r: ValidRequestOf<typeof AuditCheckpoint>) {
    return this.verifier.checkpoint();
  }
}
