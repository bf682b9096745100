#include "natural_sort.h"

namespace scsi_probe {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view digit_run(std::string_view s, std::size_t from) {
  std::size_t e = from;
  while (e < s.size() && is_digit(s[e])) ++e;
  return s.substr(from, e - from);
}

// -1, 0, 1 for two runs of digits by value; equal values with more leading
// zeros order after (so distinct strings never compare equal).
int compare_numbers(std::string_view x, std::string_view y) {
  std::string_view xs = x.substr(std::min(x.find_first_not_of('0'), x.size()));
  std::string_view ys = y.substr(std::min(y.find_first_not_of('0'), y.size()));
  if (xs.size() != ys.size()) return xs.size() < ys.size() ? -1 : 1;
  if (int c = xs.compare(ys)) return c < 0 ? -1 : 1;
  if (x.size() != y.size()) return x.size() < y.size() ? -1 : 1;
  return 0;
}

}  // namespace

bool natural_less(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (is_digit(a[i]) && is_digit(b[j])) {
      std::string_view x = digit_run(a, i), y = digit_run(b, j);
      if (int c = compare_numbers(x, y)) return c < 0;
      i += x.size();
      j += y.size();
      continue;
    }
    auto ca = static_cast<unsigned char>(a[i]), cb = static_cast<unsigned char>(b[j]);
    if (ca != cb) return ca < cb;
    ++i;
    ++j;
  }
  return a.size() - i < b.size() - j;
}

}  // namespace scsi_probe
