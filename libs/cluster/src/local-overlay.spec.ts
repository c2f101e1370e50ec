import { localDatabaseSecrets, setLocalEndpoints, type K8sObject } from './local-overlay';

const endpoints = { prometheusUrl: 'http://127.0.0.1:40012', kafkaBrokers: '127.0.0.1:20001', database: { host: '127.0.0.1', port: '20000', user: 'boxoffice', password: 'p@ss' } };

describe('setLocalEndpoints', () => {
  it('sets exactly the Prometheus and Kafka fields and says which', () => {
    const objects: K8sObject[] = [
      { apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate', metadata: { name: 'a' }, spec: { metrics: [{ name: 'm', provider: { prometheus: { address: 'x', query: 'q' } } }, { name: 'w', provider: { web: { url: 'u' } } }] } },
      { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: 's' }, spec: { triggers: [{ type: 'kafka', metadata: { bootstrapServers: 'k:9092', topic: 't' } }, { type: 'prometheus', metadata: { serverAddress: 'p', query: 'q' } }, { type: 'cpu', metadata: { value: '50' } }] } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'login-db' }, stringData: { DATABASE_URL: 'old' } },
    ];
    const changed = setLocalEndpoints(objects, endpoints);
    expect(changed).toEqual([
      'AnalysisTemplate/a spec.metrics[0].provider.prometheus.address',
      'ScaledObject/s spec.triggers[0].metadata.bootstrapServers',
      'ScaledObject/s spec.triggers[1].metadata.serverAddress',
    ]);
    expect(objects[0].spec.metrics[0].provider.prometheus).toEqual({ address: 'http://127.0.0.1:40012', query: 'q' });
    expect(objects[0].spec.metrics[1].provider.web).toEqual({ url: 'u' });
    expect(objects[1].spec.triggers[0].metadata).toEqual({ bootstrapServers: '127.0.0.1:20001', topic: 't' });
    expect(objects[1].spec.triggers[2].metadata).toEqual({ value: '50' });
    expect(objects[2].stringData).toEqual({ DATABASE_URL: 'old' });
  });
});

describe('localDatabaseSecrets', () => {
  it("makes each Rollout's <service>-db Secret for the local stack's database, in the Rollout's namespace", () => {
    const rollout = (name: string): K8sObject => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name, namespace: 'ns' }, spec: {} });
    const secrets = localDatabaseSecrets([rollout('login'), rollout('notify'), { apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' } }], endpoints);
    expect(secrets.map((s) => `${s.metadata.namespace}/${s.metadata.name}`)).toEqual(['ns/login-db', 'ns/notify-db']);
    expect(Buffer.from(secrets[0].data.DATABASE_URL, 'base64').toString()).toBe('postgresql://boxoffice:p%40ss@127.0.0.1:20000/boxoffice_login');
  });
});
