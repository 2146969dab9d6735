import { Injectable } from '@nestjs/common';

/** The time, injected: tests replace it to expire sessions and states without waiting. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
