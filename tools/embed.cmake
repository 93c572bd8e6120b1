# Turn a data file into a C++ translation unit defining
#   extern const std::string_view sageguard_embedded_<IDENT>;
# Used for the API model table, bundled prices and the default policy so the
# binary needs no data files at run time.
file(READ ${IN} content HEX)
string(LENGTH "${content}" hexlen)
math(EXPR nbytes "${hexlen} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${content}")
file(WRITE ${OUT} "#include <string_view>\n"
  "static const char data_[] = {${bytes} 0};\n"
  "extern const std::string_view sageguard_embedded_${IDENT};\n"
  "const std::string_view sageguard_embedded_${IDENT}(data_, ${nbytes});\n")
