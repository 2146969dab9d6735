import { Controller, Get, Header } from '@nestjs/common';
import { register } from 'prom-client';
import { NotRateLimited } from '../rate-limit/rate-limit.guard';

@Controller()
@NotRateLimited()
export class MetricsController {
  @Get('metrics')
  @Header('Content-Type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}
