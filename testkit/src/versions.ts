// testkit: the one table of pinned component versions; cache folders are keyed by these.

/** Kubernetes release built from k8s.io/kubernetes; staging modules use the matching v0.x.y. */
export const KUBERNETES_VERSION = 'v1.34.4';
/** etcd server version pinned by the Kubernetes release above (its go.mod). */
export const ETCD_VERSION = 'v3.6.4';
/** kwok: fake nodes and pod lifecycle. */
export const KWOK_VERSION = 'v0.7.0';
/** Jaeger v2 binary; the Go module keeps v1.x tags, v1.76.0 is the Jaeger v2 release built from the same commit. */
export const JAEGER_VERSION = 'v1.76.0';
/** versitygw S3 gateway. */
export const VERSITYGW_VERSION = 'v1.8.0';
/** KEDA operator and metrics adapter. */
export const KEDA_VERSION = 'v2.20.2';
/** helm CLI. */
export const HELM_VERSION = 'v3.19.0';
/** DynamoDB Local from Maven Central (com.amazonaws:DynamoDBLocal). */
export const DYNAMODB_LOCAL_VERSION = '2.6.1';
