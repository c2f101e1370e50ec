#!/usr/bin/env bash
# Box Office on a local kind cluster, from nothing to Argo CD syncing the environments.
#
#   k8s/bootstrap/bootstrap.sh              # cluster + platform + dev
#   ENVIRONMENTS="dev staging" k8s/bootstrap/bootstrap.sh
#
# Needs docker, kind, kubectl, helm and openssl. Idempotent: re-running upgrades the Helm
# releases and keeps existing secrets (their passwords are already in PostgreSQL).
#
# What it does, in order:
#   1. kind cluster `boxoffice` (k8s/bootstrap/kind-config.yaml), gateway on localhost:8080
#   2. Helm charts: Istio (base, istiod, ingress gateway), kube-prometheus-stack, Strimzi,
#      KEDA, Argo Rollouts, Argo CD (values in k8s/bootstrap/values)
#   3. per environment: namespace, secrets (random passwords, a JWT signing key), Flipt
#   4. images: docker build of each service's runtime and migrate stage, kind load
#   5. Argo CD root Application (k8s/argocd/root-application.yaml): Argo CD takes over
#
# Chart versions are pinned below; bump them deliberately. Nothing in this repository's
# test suite runs this script against a cluster (there is none in CI): test/manifests lints
# it with ShellCheck and checks the files and names it refers to.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BOOTSTRAP="${ROOT}/k8s/bootstrap"

CLUSTER_NAME="${CLUSTER_NAME:-boxoffice}"
ENVIRONMENTS="${ENVIRONMENTS:-dev}"
SKIP_IMAGES="${SKIP_IMAGES:-false}"
IMAGE_TAG="${IMAGE_TAG:-0.1.0}"

ISTIO_VERSION="${ISTIO_VERSION:-1.26.2}"
KUBE_PROMETHEUS_STACK_VERSION="${KUBE_PROMETHEUS_STACK_VERSION:-75.6.1}"
STRIMZI_VERSION="${STRIMZI_VERSION:-0.47.0}"
KEDA_VERSION="${KEDA_VERSION:-2.17.2}"
ARGO_ROLLOUTS_VERSION="${ARGO_ROLLOUTS_VERSION:-2.40.1}"
ARGO_CD_VERSION="${ARGO_CD_VERSION:-8.1.2}"
FLIPT_VERSION="${FLIPT_VERSION:-0.86.0}"

SERVICES=(login checkout notify)

log() { printf '\n==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

require_tools() {
  local tool
  for tool in docker kind kubectl helm openssl; do
    command -v "${tool}" >/dev/null 2>&1 || die "${tool} is required (see docs/run-on-a-cluster.md)"
  done
}

create_cluster() {
  if kind get clusters 2>/dev/null | grep -qx "${CLUSTER_NAME}"; then
    log "kind cluster ${CLUSTER_NAME} exists"
  else
    log "creating kind cluster ${CLUSTER_NAME}"
    kind create cluster --name "${CLUSTER_NAME}" --config "${BOOTSTRAP}/kind-config.yaml" --wait 120s
  fi
  kubectl config use-context "kind-${CLUSTER_NAME}" >/dev/null
}

add_helm_repos() {
  log "helm repositories"
  helm repo add istio https://istio-release.storage.googleapis.com/charts --force-update >/dev/null
  helm repo add prometheus-community https://prometheus-community.github.io/helm-charts --force-update >/dev/null
  helm repo add strimzi https://strimzi.io/charts/ --force-update >/dev/null
  helm repo add kedacore https://kedacore.github.io/charts --force-update >/dev/null
  helm repo add argo https://argoproj.github.io/argo-helm --force-update >/dev/null
  helm repo add flipt https://helm.flipt.io --force-update >/dev/null
  helm repo update >/dev/null
}

# helm_install RELEASE CHART VERSION NAMESPACE [extra helm args...]
helm_install() {
  local release="$1" chart="$2" version="$3" namespace="$4"
  shift 4
  log "helm ${release} (${chart} ${version}) in ${namespace}"
  helm upgrade --install "${release}" "${chart}" --version "${version}" \
    --namespace "${namespace}" --create-namespace --wait --timeout 10m "$@"
}

install_platform() {
  helm_install istio-base istio/base "${ISTIO_VERSION}" istio-system
  helm_install istiod istio/istiod "${ISTIO_VERSION}" istio-system \
    --values "${BOOTSTRAP}/values/istiod.yaml"
  helm_install istio-ingressgateway istio/gateway "${ISTIO_VERSION}" istio-ingress \
    --values "${BOOTSTRAP}/values/istio-gateway.yaml"
  helm_install kube-prometheus-stack prometheus-community/kube-prometheus-stack \
    "${KUBE_PROMETHEUS_STACK_VERSION}" monitoring \
    --values "${BOOTSTRAP}/values/kube-prometheus-stack.yaml"
  helm_install strimzi strimzi/strimzi-kafka-operator "${STRIMZI_VERSION}" strimzi \
    --values "${BOOTSTRAP}/values/strimzi.yaml"
  helm_install keda kedacore/keda "${KEDA_VERSION}" keda \
    --values "${BOOTSTRAP}/values/keda.yaml"
  helm_install argo-rollouts argo/argo-rollouts "${ARGO_ROLLOUTS_VERSION}" argo-rollouts \
    --values "${BOOTSTRAP}/values/argo-rollouts.yaml"
  helm_install argocd argo/argo-cd "${ARGO_CD_VERSION}" argocd \
    --values "${BOOTSTRAP}/values/argo-cd.yaml"
}

random_password() {
  openssl rand -hex 24
}

secret_exists() {
  kubectl --namespace "$1" get secret "$2" >/dev/null 2>&1
}

# Secrets are never in git. Created once per environment; re-runs keep them.
create_secrets() {
  local ns="$1" svc password var
  local -A passwords=()
  if secret_exists "${ns}" postgres-credentials; then
    log "${ns}: secrets exist, keeping them"
    return
  fi
  log "${ns}: creating secrets"
  for svc in "${SERVICES[@]}"; do
    passwords[${svc}]="$(random_password)"
  done
  local args=(--from-literal=POSTGRES_PASSWORD="$(random_password)")
  for svc in "${SERVICES[@]}"; do
    var="$(printf '%s' "${svc}" | tr '[:lower:]' '[:upper:]')_DB_PASSWORD"
    args+=(--from-literal="${var}=${passwords[${svc}]}")
  done
  kubectl --namespace "${ns}" create secret generic postgres-credentials "${args[@]}"

  for svc in "${SERVICES[@]}"; do
    password="${passwords[${svc}]}"
    kubectl --namespace "${ns}" create secret generic "${svc}-db" \
      --from-literal=DATABASE_URL="postgresql://${svc}:${password}@postgres:5432/boxoffice_${svc}"
  done
  # login-db, checkout-db and notify-db above; login signs tokens with this key.
  local key
  key="$(mktemp)"
  openssl genpkey -algorithm ed25519 -out "${key}"
  kubectl --namespace "${ns}" create secret generic login-jwt --from-file=private.pem="${key}"
  rm -f "${key}"
}

install_flipt() {
  local env="$1" ns="boxoffice-$1"
  helm_install flipt flipt/flipt "${FLIPT_VERSION}" "${ns}" \
    --values "${ROOT}/k8s/platform/flipt/values.yaml" \
    --values "${ROOT}/k8s/platform/flipt/values-${env}.yaml"
}

prepare_environments() {
  local env ns
  for env in ${ENVIRONMENTS}; do
    case "${env}" in
      dev | staging | prod) ;;
      *) die "unknown environment ${env} (dev, staging or prod)" ;;
    esac
    ns="boxoffice-${env}"
    kubectl create namespace "${ns}" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
    kubectl label namespace "${ns}" istio-injection=enabled --overwrite >/dev/null
    create_secrets "${ns}"
    install_flipt "${env}"
  done
}

build_images() {
  local svc
  if [[ "${SKIP_IMAGES}" == "true" ]]; then
    log "skipping image builds (SKIP_IMAGES=true)"
    return
  fi
  for svc in "${SERVICES[@]}"; do
    log "image boxoffice/${svc}:${IMAGE_TAG} and boxoffice/${svc}-migrate:${IMAGE_TAG}"
    docker build --file "${ROOT}/services/${svc}/Dockerfile" --target runtime \
      --tag "boxoffice/${svc}:${IMAGE_TAG}" "${ROOT}"
    docker build --file "${ROOT}/services/${svc}/Dockerfile" --target migrate \
      --tag "boxoffice/${svc}-migrate:${IMAGE_TAG}" "${ROOT}"
    kind load docker-image --name "${CLUSTER_NAME}" \
      "boxoffice/${svc}:${IMAGE_TAG}" "boxoffice/${svc}-migrate:${IMAGE_TAG}"
  done
}

start_argocd() {
  log "Argo CD root application"
  kubectl --namespace argocd apply -f "${ROOT}/k8s/argocd/root-application.yaml"
}

print_next_steps() {
  local password
  password="$(kubectl --namespace argocd get secret argocd-initial-admin-secret \
    -o jsonpath='{.data.password}' 2>/dev/null | base64 --decode || true)"
  cat <<EOF

Box Office is syncing. Next steps (docs/run-on-a-cluster.md):
  Argo CD:        kubectl -n argocd port-forward svc/argocd-server 8081:80   (admin / ${password:-see argocd-initial-admin-secret})
  Rollouts:       kubectl argo rollouts dashboard   (or: kubectl -n argo-rollouts port-forward svc/argo-rollouts-dashboard 3100:3100)
  Box Office dev: curl http://login.dev.boxoffice.localhost:8080/health
  Prometheus:     kubectl -n monitoring port-forward svc/prometheus-operated 9090
EOF
}

main() {
  require_tools
  create_cluster
  add_helm_repos
  install_platform
  prepare_environments
  build_images
  start_argocd
  print_next_steps
}

main "$@"
