/**
 * Strimzi v1beta2 resources, hand-written from the Strimzi API reference for the fields
 * Box Office uses and their common siblings. No @kubernetes-models package exists for
 * Strimzi, so these interfaces are the only schema the strict field check has for it: a
 * field missing here is reported as unknown. Add fields from the Strimzi docs, not by guess.
 */
import type { IObjectMeta as ObjectMeta } from '@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta';
import type { IResourceRequirements as ResourceRequirements } from 'kubernetes-models/v1/ResourceRequirements';
import type { ILabelSelector as LabelSelector } from '@kubernetes-models/apimachinery/apis/meta/v1/LabelSelector';

interface MetadataTemplate {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

interface PodTemplate {
  metadata?: MetadataTemplate;
  imagePullSecrets?: Array<{ name: string }>;
  securityContext?: Record<string, unknown>;
  terminationGracePeriodSeconds?: number;
  affinity?: Record<string, unknown>;
  tolerations?: Array<Record<string, unknown>>;
  topologySpreadConstraints?: Array<Record<string, unknown>>;
  priorityClassName?: string;
  tmpDirSizeLimit?: string;
}

interface ContainerTemplate {
  env?: Array<{ name: string; value?: string }>;
  securityContext?: Record<string, unknown>;
}

interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

interface GenericKafkaListener {
  name: string;
  port: number;
  type: 'internal' | 'route' | 'loadbalancer' | 'nodeport' | 'ingress' | 'cluster-ip';
  tls: boolean;
  authentication?: Record<string, unknown>;
  configuration?: Record<string, unknown>;
  networkPolicyPeers?: NetworkPolicyPeer[];
}

type SingleVolumeStorage = {
  id?: number;
  type: 'ephemeral' | 'persistent-claim';
  size?: string;
  sizeLimit?: string;
  class?: string;
  deleteClaim?: boolean;
  kraftMetadata?: 'shared';
  selector?: Record<string, string>;
};

type Storage = SingleVolumeStorage | { type: 'jbod'; volumes: SingleVolumeStorage[] };

export interface IKafka {
  apiVersion: 'kafka.strimzi.io/v1beta2';
  kind: 'Kafka';
  metadata?: ObjectMeta;
  spec: {
    kafka: {
      version?: string;
      metadataVersion?: string;
      replicas?: number;
      image?: string;
      listeners: GenericKafkaListener[];
      config?: Record<string, unknown>;
      storage?: Storage;
      authorization?: Record<string, unknown>;
      rack?: { topologyKey: string };
      resources?: ResourceRequirements;
      jvmOptions?: Record<string, unknown>;
      metricsConfig?: Record<string, unknown>;
      logging?: Record<string, unknown>;
      template?: {
        pod?: PodTemplate;
        kafkaContainer?: ContainerTemplate;
        bootstrapService?: { metadata?: MetadataTemplate };
        brokersService?: { metadata?: MetadataTemplate };
        podDisruptionBudget?: { metadata?: MetadataTemplate; maxUnavailable?: number };
      };
    };
    entityOperator?: {
      topicOperator?: {
        watchedNamespace?: string;
        reconciliationIntervalMs?: number;
        resources?: ResourceRequirements;
        logging?: Record<string, unknown>;
      };
      userOperator?: {
        watchedNamespace?: string;
        reconciliationIntervalMs?: number;
        resources?: ResourceRequirements;
        logging?: Record<string, unknown>;
      };
      template?: {
        pod?: PodTemplate;
        topicOperatorContainer?: ContainerTemplate;
        userOperatorContainer?: ContainerTemplate;
      };
    };
    cruiseControl?: Record<string, unknown>;
    kafkaExporter?: Record<string, unknown>;
  };
}

export interface IKafkaNodePool {
  apiVersion: 'kafka.strimzi.io/v1beta2';
  kind: 'KafkaNodePool';
  metadata?: ObjectMeta;
  spec: {
    replicas: number;
    roles: Array<'controller' | 'broker'>;
    storage: Storage;
    resources?: ResourceRequirements;
    jvmOptions?: Record<string, unknown>;
    template?: {
      pod?: PodTemplate;
      kafkaContainer?: ContainerTemplate;
      perPodService?: { metadata?: MetadataTemplate };
      persistentVolumeClaim?: { metadata?: MetadataTemplate };
    };
  };
}

export interface IKafkaTopic {
  apiVersion: 'kafka.strimzi.io/v1beta2';
  kind: 'KafkaTopic';
  metadata?: ObjectMeta;
  spec: {
    topicName?: string;
    partitions?: number;
    replicas?: number;
    config?: Record<string, string | number | boolean>;
  };
}
