# The distinct instructions a callgrind run (--dump-instr=yes
# --compress-pos=no --compress-strings=no) executed, by object, and the
# helper's own code by what it is (CLI11, iostreams and locale, the rest of
# libstdc++, scsi_probe::) from the function names. Cost lines after calls=
# are a call's inclusive cost, not the caller's instructions.
/^ob=/ { ob = substr($0, 4); next }
/^fn=/ { fn = substr($0, 4); next }
/^calls=/ { call = 1; next }
/^0x/ {
  if (call) { call = 0; next }
  if ((ob, $1) in seen) next
  seen[ob, $1] = 1; distinct++
  o = ob; sub(/.*\//, "", o)
  g = o
  if (o == "scsi-probe" || o ~ /scsi-probe-nopie/) {
    if (fn ~ /CLI::/) g = "own: CLI11"
    else if (fn ~ /locale|facet|_M_initialize|timepunct|moneypunct|numpunct|ctype|codecvt|messages|collate|ios_base|basic_ios|__cxx11::.*stream|basic_ostream|basic_istream|streambuf|num_put|num_get|time_get|time_put|money_get|money_put/) g = "own: iostreams+locale"
    else if (fn ~ /^std::|__gnu|operator new|operator delete|__cxa|_Unwind|__gxx|_M_/) g = "own: other libstdc++"
    else if (fn ~ /scsi_probe::/) g = "own: scsi_probe"
    else g = "own: other (" fn ")"
  }
  n[g]++
}
END { printf "total %d\n", distinct; for (k in n) printf "%8d %s\n", n[k], k | "sort -rn"; }
