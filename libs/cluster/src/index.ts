export { BINARIES, ensureBinary } from './binaries';
export { up, down, status, buildAll } from './cluster';
export { CRD_SOURCES, UNAVAILABLE_CRD_GROUPS } from './crds';
export { kubectl } from './kubectl';
export { clusterLayout, type ClusterLayout } from './layout';
export { LOCAL_NAMESPACE, LOCAL_OVERLAY, localEndpoints, parseManifests, renderKustomization, renderLocalOverlay, setLocalEndpoints, type K8sObject, type LocalEndpoints } from './local-overlay';
export { VERSIONS } from './versions';
