import { AssignerProtocol, GroupMember } from 'kafkajs';
import { RangeAssigner } from './range-assigner';

const topics = ['login.user-registered.v1', 'checkout.order-confirmed.v1', 'checkout.order-failed.v1'];

function assignerFor(partitionsPerTopic: Record<string, number>) {
  const cluster = { findTopicPartitionMetadata: (topic: string) => Array.from({ length: partitionsPerTopic[topic] }, (_, partitionId) => ({ partitionId })) };
  return RangeAssigner({ cluster, groupId: 'notify', logger: undefined } as never);
}

function member(memberId: string, subscribed = topics): GroupMember {
  return { memberId, memberMetadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics: subscribed, userData: Buffer.alloc(0) }) };
}

async function assign(partitionsPerTopic: Record<string, number>, members: GroupMember[]) {
  const result = await assignerFor(partitionsPerTopic).assign({ members, topics: Object.keys(partitionsPerTopic) });
  return Object.fromEntries(result.map((r) => [r.memberId, AssignerProtocol.MemberAssignment.decode(r.memberAssignment)!.assignment]));
}

const threeEach = Object.fromEntries(topics.map((t) => [t, 3]));

describe('RangeAssigner', () => {
  it('gives 3 of 4 members partition N of every topic and leaves the fourth idle', async () => {
    const assignment = await assign(threeEach, ['d', 'b', 'a', 'c'].map((id) => member(id)));
    expect(assignment).toEqual({
      a: Object.fromEntries(topics.map((t) => [t, [0]])),
      b: Object.fromEntries(topics.map((t) => [t, [1]])),
      c: Object.fromEntries(topics.map((t) => [t, [2]])),
      d: {},
    });
  });

  it('splits the partitions of each topic into ranges when there are fewer members than partitions', async () => {
    const assignment = await assign(threeEach, [member('a'), member('b')]);
    expect(assignment.a).toEqual(Object.fromEntries(topics.map((t) => [t, [0, 1]])));
    expect(assignment.b).toEqual(Object.fromEntries(topics.map((t) => [t, [2]])));
  });

  it('assigns a topic only among the members subscribed to it', async () => {
    const assignment = await assign({ 'login.user-registered.v1': 3 }, [member('a', ['checkout.order-failed.v1']), member('b')]);
    expect(assignment).toEqual({ a: {}, b: { 'login.user-registered.v1': [0, 1, 2] } });
  });

  it('keeps every member busy when one topic has more partitions', async () => {
    const assignment = await assign({ ...threeEach, 'checkout.order-confirmed.v1': 6 }, ['a', 'b', 'c', 'd'].map((id) => member(id)));
    expect(assignment.d).toEqual({ 'checkout.order-confirmed.v1': [5] });
  });
});
