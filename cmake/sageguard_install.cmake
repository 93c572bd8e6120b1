# What `cmake --install` and `cpack -G DEB` ship: the CLI, the library as one
# static archive (libsageguard.a), the public headers, a CMake package
# (find_package(sageguard) -> sageguard::sageguard), a pkg-config file and
# the user documentation.
#
# One archive rather than the eleven module archives: the modules are a
# build-time layering (ARCHITECTURE.md), not something a user should have to
# name or order on a link line, and their names would become interface. The
# archive is made of the modules' own object files, so nothing is compiled
# twice. It carries only what a user needs: the libraries its objects call
# (fmt, yaml-cpp, simdjson, RE2, zlib, libdeflate, isa-l when built with it),
# never CLI11 nor nlohmann-json (header-only, and no installed header uses
# it); libcurl and libcrypto stay loaded at run time (dlopen), so they are not
# link dependencies.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# Optional features of this build, as `sageguard --version` lists them.
# Anything optional appends itself:
#   set_property(TARGET sg_api APPEND PROPERTY SAGEGUARD_FEATURES <name>)
if(ISAL_FOUND)
  set_property(TARGET sg_api APPEND PROPERTY SAGEGUARD_FEATURES isa-l)
endif()
target_compile_definitions(sg_api PRIVATE
  "SAGEGUARD_FEATURES=\"$<JOIN:$<TARGET_PROPERTY:sg_api,SAGEGUARD_FEATURES>, >\"")

set(SG_LIBRARY_MODULES util model policy rules check aws cost fix launch audit report api)
set(SG_LIBRARY_OBJECTS $<TARGET_OBJECTS:sg_embedded>)
foreach(m ${SG_LIBRARY_MODULES})
  list(APPEND SG_LIBRARY_OBJECTS $<TARGET_OBJECTS:sg_${m}>)
endforeach()
add_library(sageguard_library STATIC ${SG_LIBRARY_OBJECTS})
add_library(sageguard::sageguard ALIAS sageguard_library)
set_target_properties(sageguard_library PROPERTIES OUTPUT_NAME sageguard EXPORT_NAME sageguard)
target_compile_features(sageguard_library INTERFACE cxx_std_20)
target_include_directories(sageguard_library INTERFACE
  $<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}/include>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
set(SG_PC_REQUIRES "fmt yaml-cpp simdjson re2 libdeflate zlib")
target_link_libraries(sageguard_library
  PRIVATE fmt::fmt yaml-cpp simdjson::simdjson PkgConfig::RE2 PkgConfig::DEFLATE ZLIB::ZLIB
          Threads::Threads ${CMAKE_DL_LIBS})
set(SG_CONFIG_ISAL "")
if(ISAL_FOUND)
  target_link_libraries(sageguard_library PRIVATE PkgConfig::ISAL)
  set(SG_PC_REQUIRES "${SG_PC_REQUIRES} libisal")
  set(SG_CONFIG_ISAL "pkg_check_modules(ISAL REQUIRED IMPORTED_TARGET libisal)")
endif()

install(TARGETS sageguard RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS sageguard_library EXPORT sageguardTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/include/sageguard
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT sageguardTargets NAMESPACE sageguard::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/sageguard)
configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/sageguardConfig.cmake.in
  ${CMAKE_BINARY_DIR}/sageguardConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/sageguard)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/sageguardConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/sageguardConfig.cmake
              ${CMAKE_BINARY_DIR}/sageguardConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/sageguard)
# The .pc file finds the prefix from its own place, so the tree can move.
file(RELATIVE_PATH SG_PC_UP "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
string(REGEX REPLACE "/$" "" SG_PC_UP "${SG_PC_UP}")
configure_file(${CMAKE_SOURCE_DIR}/cmake/sageguard.pc.in ${CMAKE_BINARY_DIR}/sageguard.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/sageguard.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

# cpack -G DEB: one package with the CLI, the library, headers and docs.
set(CPACK_PACKAGE_NAME sageguard)
set(CPACK_PACKAGE_VENDOR "sageguard")
set(CPACK_PACKAGE_CONTACT "sageguard maintainers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Check, fix, launch, audit and price Amazon SageMaker jobs against a team policy")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
# Shared libraries the binary links come from dpkg-shlibdeps; libcurl and
# libcrypto are dlopen()ed, so they are named here.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libcurl4, libssl3")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "libfmt-dev, libyaml-cpp-dev, libsimdjson-dev, libre2-dev, libdeflate-dev, zlib1g-dev")
include(CPack)

# docs/rules.md is generated from the rule catalogue (a test compares them).
add_executable(sg_gen_rules_doc ${CMAKE_SOURCE_DIR}/tools/gen_rules_doc.cc)
target_include_directories(sg_gen_rules_doc PRIVATE ${CMAKE_SOURCE_DIR}/src)
target_compile_options(sg_gen_rules_doc PRIVATE ${SG_WARNINGS})
target_link_libraries(sg_gen_rules_doc PRIVATE sg_report)
add_custom_target(rules_doc
  COMMAND sg_gen_rules_doc ${CMAKE_SOURCE_DIR}/docs/rules.md
  COMMENT "Writing docs/rules.md from the rule catalogue" VERBATIM)
