/**
 * Pinned upstream versions of everything the local control plane runs. A change here changes the
 * build cache key, so the next `cluster up` builds the new version once.
 */
export const VERSIONS = {
  /** kube-apiserver, kube-controller-manager, kube-scheduler, kubectl (staging modules v0.34.4). */
  kubernetes: 'v1.34.4',
  kwok: 'v0.8.0',
  /** v1.10.2 wants a newer Go than the machines' 1.26.8. */
  argoRollouts: 'v1.10.1',
  keda: 'v2.21.0',
  /** The module proxy serves no release tags of istio.io/istio, only pseudo-versions. */
  istio: 'v0.0.0-20260827124520-eed52ebb66ad',
  /** Only its CRDs are used here; the module needs Go 1.27, fetched as a toolchain. */
  argoCd: 'v3.6.1',
  argoCdGoToolchain: 'go1.27.4',
  /** v0.95.x is refused by the module proxy; v0.94.0 is the newest root module served. */
  prometheusOperator: 'v0.94.0',
} as const;
