resource "google_compute_firewall" "deny_ssh" {
  name      = "deny-ssh"
  network   = "default"
  priority  = 500
  direction = "INGRESS"

  deny {
    protocol = "tcp"
    ports    = ["22"]
  }

  source_ranges = ["0.0.0.0/0", "::/0"]

  log_config {
    metadata = "INCLUDE_ALL_METADATA"
  }
}

resource "google_compute_firewall" "egress" {
  name               = "egress"
  network            = google_compute_network.vpc.self_link
  direction          = "EGRESS"
  destination_ranges = ["0.0.0.0/0"]
  allow {
    protocol = "all"
  }
  disabled = false
}
