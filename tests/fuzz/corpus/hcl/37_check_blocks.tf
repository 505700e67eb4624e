check "health" {
  data "http" "es" {
    url = "https://${aws_instance.es.public_dns}:9200"
  }

  assert {
    condition     = data.http.es.status_code == 401
    error_message = "Elasticsearch answered without authentication"
  }
}
