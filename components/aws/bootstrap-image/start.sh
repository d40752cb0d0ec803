#!/bin/sh
# Serves /delivery/index.html and "ok" on $HEALTH_PATH with busybox httpd on $PORT.
# Applets are called through /bin/busybox so the image needs nothing but that binary.
set -eu
bb=/bin/busybox
root=/tmp/www
$bb mkdir -p "$root"
$bb sed "s/@SERVICE@/${SERVICE}/g" /delivery/index.html >"$root/index.html"
case "$HEALTH_PATH" in
  */) target="$root${HEALTH_PATH}index.html" ;;
  *) target="$root$HEALTH_PATH" ;;
esac
$bb mkdir -p "$($bb dirname "$target")"
if [ "$target" != "$root/index.html" ]; then
  echo ok >"$target"
fi
exec $bb httpd -f -p "$PORT" -h "$root"
