import * as path from 'node:path';
import { decideReplicas, KafkaScaling, readKafkaScaling } from './keda';

const repoRoot = path.resolve(__dirname, '../../..');

const scaling: KafkaScaling = {
  pollingIntervalSeconds: 15,
  cooldownPeriodSeconds: 300,
  minReplicaCount: 0,
  maxReplicaCount: 6,
  triggers: [
    { topic: 'a', consumerGroup: 'notify', lagThreshold: 20, activationLagThreshold: 0 },
    { topic: 'b', consumerGroup: 'notify', lagThreshold: 20, activationLagThreshold: 0 },
  ],
};

describe('readKafkaScaling', () => {
  it("reads notify's ScaledObject from the repo", () => {
    const read = readKafkaScaling(path.join(repoRoot, 'kustomize/components/keda/scaled-object-notify.yaml'));
    expect(read.triggers.map((t) => t.topic)).toEqual(expect.arrayContaining(['checkout.order-confirmed.v1', 'login.user-registered.v1']));
    expect(read.triggers.every((t) => t.consumerGroup === 'notify' && t.lagThreshold > 0)).toBe(true);
    expect(read.maxReplicaCount).toBeGreaterThanOrEqual(read.minReplicaCount);
  });

  it('refuses a file that is not a ScaledObject', () => {
    expect(() => readKafkaScaling(path.join(repoRoot, 'test/load/k6/kustomization.yaml'))).toThrow('is not a ScaledObject');
  });
});

describe('decideReplicas', () => {
  const idle = { replicas: 0 };

  it('asks for ceil(lag / lagThreshold) replicas', () => {
    expect(decideReplicas(scaling, [{ topic: 'a', lag: 41, partitions: 6 }], idle, 0).replicas).toBe(3);
    expect(decideReplicas(scaling, [{ topic: 'a', lag: 40, partitions: 6 }], idle, 0).replicas).toBe(2);
  });

  it('never asks for more replicas than the topic has partitions', () => {
    expect(decideReplicas(scaling, [{ topic: 'a', lag: 1000, partitions: 3 }], idle, 0).replicas).toBe(3);
  });

  it('is capped by maxReplicaCount and takes the largest trigger', () => {
    const lags = [
      { topic: 'a', lag: 1000, partitions: 12 },
      { topic: 'b', lag: 30, partitions: 12 },
    ];
    expect(decideReplicas(scaling, lags, idle, 0).replicas).toBe(6);
    expect(decideReplicas(scaling, [{ topic: 'a', lag: 30, partitions: 12 }, { topic: 'b', lag: 70, partitions: 12 }], idle, 0).replicas).toBe(4);
  });

  it('activates from zero above the activation threshold only', () => {
    const strict = { ...scaling, triggers: scaling.triggers.map((t) => ({ ...t, activationLagThreshold: 10 })) };
    expect(decideReplicas(strict, [{ topic: 'a', lag: 10, partitions: 3 }], idle, 0)).toMatchObject({ replicas: 0, active: false });
    expect(decideReplicas(strict, [{ topic: 'a', lag: 11, partitions: 3 }], idle, 0)).toMatchObject({ replicas: 1, active: true });
  });

  it('keeps one replica through the cooldown, then scales to zero', () => {
    const noLag = [{ topic: 'a', lag: 0, partitions: 3 }];
    expect(decideReplicas(scaling, noLag, { replicas: 3, lastActiveAt: 100 }, 399).replicas).toBe(1);
    expect(decideReplicas(scaling, noLag, { replicas: 1, lastActiveAt: 100 }, 400).replicas).toBe(0);
  });

  it('never goes below minReplicaCount', () => {
    const floor = { ...scaling, minReplicaCount: 2 };
    expect(decideReplicas(floor, [{ topic: 'a', lag: 5, partitions: 3 }], idle, 0).replicas).toBe(2);
    expect(decideReplicas(floor, [{ topic: 'a', lag: 0, partitions: 3 }], { replicas: 2, lastActiveAt: 0 }, 1000).replicas).toBe(2);
  });
});
