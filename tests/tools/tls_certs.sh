# Sourced by tests and benchmarks: test certificates made with openssl
# (P-256 keys), all in one directory.
#
# tls_certs DIR makes:
#   ca.pem ca.key          a CA ("abota test CA")
#   ca2.pem                another CA, which signed none of the others
#   server.pem server.key  for localhost and 127.0.0.1 (subjectAltName
#                          DNS:localhost, IP:127.0.0.1), signed by ca, valid
#                          from an hour ago for 30 days
#   expired.pem expired.key  the same names, signed by ca, valid in
#                          January 2020 only (made with `openssl ca`, whose
#                          -startdate/-enddate openssl 3.0's x509 lacks)
#   other.pem other.key    signed by ca, valid, for other.example only
# and sets TLS_PIN (the SHA-256 of server.pem's public key, as
# `openssl x509 -pubkey | openssl pkey -pubin -outform DER | sha256sum`
# prints it) and TLS_PIN_OTHER (other.pem's key: a pin that server.pem
# does not match).

# tls_pin CERT: the pin of CERT's public key, 64 hex digits.
tls_pin() {
  openssl x509 -in "$1" -pubkey -noout | openssl pkey -pubin -outform DER |
    sha256sum | cut -d' ' -f1
}

# tls_ca_sign DIR NAME SAN START END: NAME.key and NAME.pem, signed by
# DIR/ca with `openssl ca` between START and END (YYYYMMDDHHMMSSZ).
tls_ca_sign() {
  local dir=$1 name=$2 san=$3 start=$4 end=$5 cn
  cn=${san#DNS:}
  cn=${cn%%,*}
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$dir/$name.key" -out "$dir/$name.csr" -subj "/CN=$cn" 2>/dev/null &&
  cat >"$dir/ca.cnf" <<CNF &&
[ca]
default_ca = test_ca
[test_ca]
dir = $dir
database = $dir/index.txt
new_certs_dir = $dir/issued
serial = $dir/serial
certificate = $dir/ca.pem
private_key = $dir/ca.key
default_md = sha256
policy = any
copy_extensions = none
unique_subject = no
[any]
commonName = supplied
[server_ext]
basicConstraints = CA:FALSE
keyUsage = digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = ${san}
CNF
  openssl ca -batch -config "$dir/ca.cnf" -extensions server_ext -notext \
    -startdate "$start" -enddate "$end" -in "$dir/$name.csr" -out "$dir/$name.pem" \
    >/dev/null 2>&1
}

tls_certs() {
  local dir=$1 ok=1
  mkdir -p "$dir/issued"
  : >"$dir/index.txt"
  echo 1000 >"$dir/serial"
  local now soon
  now=$(date -u -d '1 hour ago' +%Y%m%d%H%M%SZ)
  soon=$(date -u -d '30 days' +%Y%m%d%H%M%SZ)
  local ca
  for ca in ca ca2; do
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
      -keyout "$dir/$ca.key" -out "$dir/$ca.pem" -subj "/CN=abota test $ca" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=keyCertSign" \
      >/dev/null 2>&1 || ok=0
  done
  tls_ca_sign "$dir" server "DNS:localhost,IP:127.0.0.1" "$now" "$soon" || ok=0
  tls_ca_sign "$dir" expired "DNS:localhost,IP:127.0.0.1" 20200101000000Z 20200131000000Z || ok=0
  tls_ca_sign "$dir" other "DNS:other.example" "$now" "$soon" || ok=0
  if [[ $ok -ne 1 ]]; then
    echo "FAIL: making the test certificates with openssl in $dir"
    return 1
  fi
  TLS_PIN=$(tls_pin "$dir/server.pem")
  TLS_PIN_OTHER=$(tls_pin "$dir/other.pem")
}
