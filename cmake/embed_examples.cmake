# Writes a C++ source holding the example patients, so `switchpoint demo` runs from anywhere.
# Invoked as: cmake -DOUT=file.cpp -DFILES="a.json|b.json" -P embed_examples.cmake
set(body "// Generated from examples/*.json by cmake/embed_examples.cmake. Do not edit.\n#include \"cli/embedded_examples.h\"\n\nnamespace switchpoint {\nnamespace {\nconstexpr EmbeddedExample kExamples[] = {\n")
string(REPLACE "|" ";" FILES "${FILES}")
list(SORT FILES)
foreach(f IN LISTS FILES)
  file(READ "${f}" content)
  get_filename_component(name "${f}" NAME)
  string(APPEND body "  {\"${name}\", R\"swpjson(${content})swpjson\"},\n")
endforeach()
string(APPEND body "};\n}  // namespace\n\nstd::span<const EmbeddedExample> embedded_examples() { return kExamples; }\n\n}  // namespace switchpoint\n")
file(WRITE "${OUT}.tmp" "${body}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
