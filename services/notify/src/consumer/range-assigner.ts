import { AssignerProtocol, PartitionAssigner } from 'kafkajs';

function subscriptionsOf(metadata: Buffer): string[] | undefined {
  try {
    return AssignerProtocol.MemberMetadata.decode(metadata)?.topics;
  } catch {
    return undefined;
  }
}

/**
 * Kafka's range strategy, which kafkajs does not ship: for each topic, the members subscribed to
 * it (sorted by id) get consecutive ranges of its partitions. With every topic split into the
 * same number of partitions, partition N of every topic lands on the same member, and members
 * beyond that number get nothing. kafkajs' round-robin instead deals all topic-partitions of all
 * topics out in one sequence, so 3 topics × 3 partitions keep 9 members busy (see docs/notify.md).
 */
export const RangeAssigner: PartitionAssigner = ({ cluster }) => ({
  name: 'RangeAssigner',
  version: 0,

  async assign({ members, topics }) {
    const assignment = new Map<string, Record<string, number[]>>(members.map((m) => [m.memberId, {}]));
    const subscriptions = new Map(members.map((m) => [m.memberId, subscriptionsOf(m.memberMetadata)]));
    for (const topic of topics) {
      const partitions = cluster
        .findTopicPartitionMetadata(topic)
        .map((p) => p.partitionId)
        .sort((a, b) => a - b);
      const consumers = members
        .map((m) => m.memberId)
        .filter((id) => subscriptions.get(id)?.includes(topic) ?? true)
        .sort();
      if (consumers.length === 0) continue;
      const base = Math.floor(partitions.length / consumers.length);
      const extra = partitions.length % consumers.length;
      consumers.forEach((memberId, i) => {
        const start = base * i + Math.min(i, extra);
        const count = base + (i < extra ? 1 : 0);
        const owned = assignment.get(memberId);
        if (owned && count > 0) owned[topic] = partitions.slice(start, start + count);
      });
    }
    return [...assignment].map(([memberId, partitionsByTopic]) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: this.version, assignment: partitionsByTopic, userData: Buffer.alloc(0) }),
    }));
  },

  protocol({ topics }) {
    return { name: this.name, metadata: AssignerProtocol.MemberMetadata.encode({ version: this.version, topics, userData: Buffer.alloc(0) }) };
  },
});
