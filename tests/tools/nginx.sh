# Sourced by tests and benchmarks: Debian's nginx as a plain foreground
# process on loopback, with everything it writes inside one directory.
#
# nginx_start DIR ROOT PORT LOG CONNECTIONS [DIRECTIVE...]
#   writes DIR/nginx.conf serving ROOT on 127.0.0.1:PORT (.bin files as
#   application/octet-stream, like every firmware server should), adds each
#   DIRECTIVE (e.g. "sendfile on;") to its http block, starts nginx with its
#   output in LOG and sets NGINX_PID.
#   Optional, set around the call: NGINX_LISTEN_OPTS (after the address in
#   the listen directive, e.g. "ssl") and NGINX_SERVER_EXTRA (lines for the
#   server block, e.g. a location).
#
# nginx_start_tls DIR ROOT PORT LOG CONNECTIONS CERT KEY [DIRECTIVE...]
#   the same over TLS ("listen ... ssl") with CERT and KEY.
nginx_start() {
  local dir=$1 root=$2 port=$3 log=$4 conns=$5
  shift 5
  mkdir -p "$dir"
  {
    cat <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections $conns; }
http {
  access_log $dir/access.log;
  client_body_temp_path $dir/client_body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  types { application/octet-stream bin; text/html html; }
  default_type application/octet-stream;
CONF
    local d
    for d in "$@"; do printf '  %s\n' "$d"; done
    cat <<CONF
  server {
    listen 127.0.0.1:$port ${NGINX_LISTEN_OPTS:-};
    root $root;
${NGINX_SERVER_EXTRA:-}
  }
}
CONF
  } >"$dir/nginx.conf"
  /usr/sbin/nginx -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" >"$log" 2>&1 &
  NGINX_PID=$!
}

nginx_start_tls() {
  local dir=$1 root=$2 port=$3 log=$4 conns=$5 cert=$6 key=$7
  shift 7
  NGINX_LISTEN_OPTS=ssl nginx_start "$dir" "$root" "$port" "$log" "$conns" \
    "ssl_certificate $cert;" "ssl_certificate_key $key;" "$@"
}
