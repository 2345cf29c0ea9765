# The asan preset turns BAZAAR_SANITIZE on: every target (host, plugins, tests) is
# instrumented the same way, so plugins loaded by an instrumented host are too.
if(BAZAAR_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
