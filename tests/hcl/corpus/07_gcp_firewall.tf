resource "google_compute_firewall" "allow_es" {
  name    = "allow-es"
  network = google_compute_network.default.name

  allow {
    protocol = "icmp"
  }

  allow {
    protocol = "tcp"
    ports    = ["80", "8080", "9200-9300"]
  }

  deny {
    protocol = "all"
  }

  source_ranges = ["0.0.0.0/0"]
  source_tags   = ["web"]
  target_tags   = ["es"]
  priority      = 1000
  direction     = "INGRESS"
}
