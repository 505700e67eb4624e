#!/usr/bin/env bash
# test_hook_unseen.sh - what the server gate cannot read, it does not
# accept silently; what it can read through a link or another encoding,
# it judges by its real content. Real pushes into a bare repository with
# `driftwatch install-hook`.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/hook_lib.sh"

EX=$SRCDIR/examples/incident
unset GL_ID GL_USERNAME GITEA_PUSHER_NAME
export GL_USER=mallory

S=$WORK/s.git W=$WORK/s
git init -q --bare -b main "$S"
"$DRIFTWATCH" install-hook --gitolite --repo "$S" >/dev/null 2>&1
git clone -q "$S" "$W" 2>/dev/null
mkdir -p "$W/infra/azure" "$W/vendor"
cp "$EX/1-initial"/* "$W/infra/azure/"
commit "$W" "Initial support cluster"
push "$W" origin main
expect "the first push is accepted" 0 "accepted refs/heads/main"
base=$(rev "$S" main)

# reset_to_base: the clone back at what the server holds.
reset_to_base() {
	git -C "$W" reset -q --hard "$base"
	git -C "$W" clean -qfdx
}

# A symlink to a file in the tree is judged as that file.
cp "$EX/3-open-9200/es-nsg.json" "$W/vendor/nsg-copy.json.txt"
rm "$W/infra/azure/es-nsg.json"
ln -s ../../vendor/nsg-copy.json.txt "$W/infra/azure/es-nsg.json"
commit "$W" "es-nsg.json is now a link"
push "$W" origin main
expect "a symlink to an open NSG in the tree is judged by what it points at" 1 \
	"REJECTED refs/heads/main: 1 finding widens exposure" "CRITICAL DW-NET-001" "infra/azure/es-nsg.json"
same "... and the ref did not move" "$(rev "$S" main)" "$base"
reset_to_base

# A symlink leaving the tree cannot be checked.
rm "$W/infra/azure/es-nsg.json"
ln -s /etc/driftwatch/es-nsg.json "$W/infra/azure/es-nsg.json"
commit "$W" "es-nsg.json points outside the repository"
push "$W" origin main
expect "a symlink leaving the tree is high, could not be checked" 1 \
	"REJECTED refs/heads/main: 1 file could not be checked" "HIGH DW-PARSE-002" "could not be checked"
lacks "... never 'widens exposure'" "widens exposure"
same "... and the ref did not move" "$(rev "$S" main)" "$base"
reset_to_base

# A submodule where the configuration directory was.
git init -q -b main "$WORK/sub"
cp "$EX/3-open-9200"/* "$WORK/sub/" && commit "$WORK/sub" "Open, elsewhere"
git -C "$W" rm -q -r infra/azure
git -C "$W" -c protocol.file.allow=always submodule -q add "$WORK/sub" infra/azure 2>/dev/null
commit "$W" "infra/azure is now a submodule"
push "$W" origin main
expect "a submodule where configuration was is rejected, could not be checked" 1 \
	"REJECTED refs/heads/main" "infra/azure: could not be checked: a submodule now stands where configuration was"
same "... and the ref did not move" "$(rev "$S" main)" "$base"
git -C "$W" submodule -q deinit -f infra/azure 2>/dev/null
reset_to_base
rm -rf "$W/.git/modules"

# A Git LFS pointer in place of a template.
printf 'version https://git-lfs.github.com/spec/v1\noid sha256:%s\nsize 4242\n' \
	"$(printf '%064d' 0)" >"$W/infra/azure/es-nsg.json"
commit "$W" "es-nsg.json in LFS"
push "$W" origin main
expect "a Git LFS pointer in place of a template is rejected, could not be checked" 1 \
	"REJECTED refs/heads/main: 1 file could not be checked" "HIGH DW-PARSE-001" "Git LFS pointer"
same "... and the ref did not move" "$(rev "$S" main)" "$base"
reset_to_base

# UTF-16 with a byte order mark is decoded and judged.
python3 -c "import sys; sys.stdout.buffer.write(open(sys.argv[1], encoding='utf-8').read().encode('utf-16'))" \
	"$EX/3-open-9200/es-nsg.json" >"$W/infra/azure/es-nsg.json"
commit "$W" "es-nsg.json in UTF-16"
push "$W" origin main
expect "a UTF-16 template is decoded and judged by its content" 1 \
	"REJECTED refs/heads/main: 1 finding widens exposure" "CRITICAL DW-NET-001"
reset_to_base
python3 -c "import sys; sys.stdout.buffer.write(open(sys.argv[1], encoding='utf-8').read().encode('utf-16-be'))" \
	"$EX/1-initial/es-nsg.json" >"$W/infra/azure/es-nsg.json"
commit "$W" "es-nsg.json in UTF-16 without a byte order mark"
push "$W" origin main
expect "UTF-16 without a byte order mark is rejected, could not be checked" 1 \
	"REJECTED refs/heads/main: 1 file could not be checked" "UTF-16 without a byte order mark"
same "... and the ref did not move" "$(rev "$S" main)" "$base"
reset_to_base
python3 -c "import sys; sys.stdout.buffer.write(open(sys.argv[1], encoding='utf-8').read().encode('utf-32'))" \
	"$EX/3-open-9200/es-nsg.json" >"$W/infra/azure/es-nsg.json"
commit "$W" "es-nsg.json in UTF-32"
push "$W" origin main
expect "UTF-32 is rejected, could not be checked" 1 \
	"REJECTED refs/heads/main: 1 file could not be checked" "UTF-32, not an encoding the readers take"
lacks "... never 'widens exposure'" "widens exposure"
same "... and the ref did not move" "$(rev "$S" main)" "$base"
reset_to_base

done_testing
