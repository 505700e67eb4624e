resource "kubernetes_network_policy" "es" {
  metadata {
    name      = "es"
    namespace = "logging"
  }

  spec {
    pod_selector {
      match_labels = {
        app = "elasticsearch"
      }
    }

    ingress {
      ports {
        port     = "9200"
        protocol = "TCP"
      }
      from {
        namespace_selector {
          match_labels = {
            name = "kibana"
          }
        }
      }
      from {
        ip_block {
          cidr   = "10.0.0.0/8"
          except = ["10.0.1.0/24"]
        }
      }
    }

    policy_types = ["Ingress"]
  }
}
