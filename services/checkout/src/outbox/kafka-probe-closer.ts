import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { KafkaHealthProbe } from '@boxoffice/kafka';

/** KafkaHealthProbe keeps an admin connection open after a readiness check and has no shutdown hook of its own. */
@Injectable()
export class KafkaProbeCloser implements OnApplicationShutdown {
  constructor(private readonly probe: KafkaHealthProbe) {}

  async onApplicationShutdown(): Promise<void> {
    await this.probe.close();
  }
}
