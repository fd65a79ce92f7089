# Cluster add-ons as Helm releases: the NVIDIA device plugin on GPU nodes, KEDA, kube-prometheus-stack
# (Prometheus, Alertmanager, Grafana, kube-state-metrics with Switchyard's alerts, dashboard and
# ModelDeployment metrics), Jaeger for traces behind an OpenTelemetry collector, and Switchyard itself.
# Only the helm provider: namespaces come from create_namespace, rules and dashboards through chart values.

locals {
  monitoring_namespace = "monitoring"
  tracing_namespace    = "observability"
  prometheus_release   = "kube-prometheus-stack"
  prometheus_url       = "http://${local.prometheus_release}-prometheus.${local.monitoring_namespace}.svc:9090"
  otlp_endpoint        = "http://otel-collector-opentelemetry-collector.${local.tracing_namespace}.svc:4318"
  scaler_address       = "switchyard-gateway-scaler.${var.switchyard_namespace}.svc:9090"

  alert_rules = yamldecode(file("${var.observability_path}/prometheus/switchyard-rules.yaml"))
  ksm_crs     = yamldecode(file("${var.observability_path}/kube-state-metrics/modeldeployment-crs.yaml"))
  dashboard   = file("${var.observability_path}/grafana/switchyard-overview.json")

  gpu_tolerations = [
    { key = "nvidia.com/gpu", operator = "Exists", effect = "NoSchedule" },
    { key = "switchyard.dev/spot", operator = "Exists", effect = "NoSchedule" },
  ]
  system_node_selector = { "switchyard.dev/node-role" = "system" }
}

resource "helm_release" "nvidia_device_plugin" {
  name             = "nvidia-device-plugin"
  repository       = "https://nvidia.github.io/k8s-device-plugin"
  chart            = "nvidia-device-plugin"
  version          = var.versions.nvidia_device_plugin
  namespace        = "nvidia-device-plugin"
  create_namespace = true
  values = [yamlencode({
    nodeSelector = { "switchyard.dev/node-role" = "gpu" }
    tolerations  = local.gpu_tolerations
  })]
}

resource "helm_release" "keda" {
  name             = "keda"
  repository       = "https://kedacore.github.io/charts"
  chart            = "keda"
  version          = var.versions.keda
  namespace        = "keda"
  create_namespace = true
  values = [yamlencode({
    nodeSelector = local.system_node_selector
    # Two operators and metrics servers: scale-from-zero must not wait on a single KEDA pod's restart.
    operator            = { replicaCount = 2 }
    metricsServer       = { replicaCount = 2 }
    podDisruptionBudget = { operator = { minAvailable = 1 }, metricServer = { minAvailable = 1 } }
  })]
}

resource "helm_release" "kube_prometheus_stack" {
  name             = local.prometheus_release
  repository       = "https://prometheus-community.github.io/helm-charts"
  chart            = "kube-prometheus-stack"
  version          = var.versions.kube_prometheus_stack
  namespace        = local.monitoring_namespace
  create_namespace = true
  values = [yamlencode({
    prometheus = {
      prometheusSpec = {
        nodeSelector = local.system_node_selector
        retention    = "15d"
        # Pick up ServiceMonitors and PodMonitors of every release, not only this chart's own.
        serviceMonitorSelectorNilUsesHelmValues = false
        podMonitorSelectorNilUsesHelmValues     = false
        ruleSelectorNilUsesHelmValues           = false
      }
    }
    additionalPrometheusRulesMap = {
      switchyard = { groups = local.alert_rules.groups }
    }
    grafana = {
      adminPassword = var.grafana_admin_password
      nodeSelector  = local.system_node_selector
      dashboardProviders = {
        "switchyard.yaml" = {
          apiVersion = 1
          providers = [{
            name    = "switchyard"
            folder  = "Switchyard"
            type    = "file"
            options = { path = "/var/lib/grafana/dashboards/switchyard" }
          }]
        }
      }
      dashboards = {
        switchyard = { switchyard-overview = { json = local.dashboard } }
      }
    }
    kube-state-metrics = {
      rbac = {
        extraRules = [{
          apiGroups = ["serving.switchyard.dev"]
          resources = ["modeldeployments"]
          verbs     = ["list", "watch"]
        }]
      }
      customResourceState = {
        enabled = true
        config  = local.ksm_crs
      }
    }
  })]
}

# Traces: an OpenTelemetry collector receives OTLP from the gateway, operator and engines and forwards
# to Jaeger; the collector is where sampling and extra exporters go later.
resource "helm_release" "jaeger" {
  name             = "jaeger"
  repository       = "https://jaegertracing.github.io/helm-charts"
  chart            = "jaeger"
  version          = var.versions.jaeger
  namespace        = local.tracing_namespace
  create_namespace = true
  values = [yamlencode({
    allInOne           = { enabled = true, nodeSelector = local.system_node_selector }
    provisionDataStore = { cassandra = false }
    storage            = { type = "memory" }
    agent              = { enabled = false }
    collector          = { enabled = false }
    query              = { enabled = false }
  })]
}

resource "helm_release" "otel_collector" {
  name             = "otel-collector"
  repository       = "https://open-telemetry.github.io/opentelemetry-helm-charts"
  chart            = "opentelemetry-collector"
  version          = var.versions.otel_collector
  namespace        = local.tracing_namespace
  create_namespace = true
  values = [yamlencode({
    mode         = "deployment"
    replicaCount = 2
    image        = { repository = "otel/opentelemetry-collector-contrib" }
    nodeSelector = local.system_node_selector
    config = {
      exporters = {
        "otlp/jaeger" = {
          endpoint = "jaeger-collector.${local.tracing_namespace}.svc:4317"
          tls      = { insecure = true }
        }
      }
      service = {
        pipelines = {
          traces = {
            receivers  = ["otlp"]
            processors = ["memory_limiter", "batch"]
            exporters  = ["otlp/jaeger"]
          }
        }
      }
    }
  })]
  depends_on = [helm_release.jaeger]
}

resource "helm_release" "switchyard" {
  name             = "switchyard"
  chart            = var.chart_path
  namespace        = var.switchyard_namespace
  create_namespace = true
  # The chart's ServiceMonitors and the generated ScaledObjects need these CRDs first.
  depends_on = [helm_release.keda, helm_release.kube_prometheus_stack, helm_release.otel_collector]
  values = [
    yamlencode({
      aws = {
        region = var.aws_region
        irsa   = { operatorRoleArn = var.operator_role_arn, modelFetchRoleArn = var.model_fetch_role_arn }
      }
      registry = { bucket = var.registry_bucket, table = var.registry_table }
      gateway = {
        nodeSelector   = local.system_node_selector
        serviceMonitor = { enabled = true }
      }
      operator = {
        nodeSelector = local.system_node_selector
        # The operator watches one namespace or all of them.
        watchNamespace = length(var.model_namespaces) == 1 ? var.model_namespaces[0] : ""
      }
      modelFetch   = { serviceAccount = { namespaces = var.model_namespaces } }
      modelMetrics = { podMonitor = { enabled = true } }
      keda         = { enabled = true }
      otlp         = { endpoint = local.otlp_endpoint }
      redis        = { url = var.redis_url }
    }),
    yamlencode(var.switchyard_values),
  ]
}
