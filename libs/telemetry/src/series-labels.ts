import { SERIES } from './metrics';

/**
 * The labels of each contract series (SERIES) besides RESOURCE_LABELS: what queries may filter
 * and group by. metrics.spec.ts checks them against a real /metrics endpoint; test/manifests
 * checks every AnalysisTemplate and KEDA query against them.
 */
export const SERIES_LABELS: Record<(typeof SERIES)[keyof typeof SERIES], readonly string[]> = {
  [SERIES.httpServerDuration]: ['http_request_method', 'http_response_status_code', 'http_route'],
  [SERIES.outboxBacklog]: [],
  [SERIES.consumerLag]: ['consumer_group', 'partition', 'topic'],
  [SERIES.messagingProcessDuration]: ['messaging_destination_name', 'outcome'],
  [SERIES.flagEvaluations]: ['flag_key', 'reason', 'variant'],
  [SERIES.deadLetters]: ['reason', 'topic'],
};

/** Labels every series carries: the resource attributes the exporter applies as constant labels. */
export const RESOURCE_LABELS = ['service_name', 'service_version'] as const;
