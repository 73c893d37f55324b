/* Written by tests/tools/gen_manifest_vectors.py: do not edit. Release
 * manifests signed by openssl with the test-only keys of tests/data/keys
 * (public: they prove nothing); the keys are in sig_image_vectors.h. */
#ifndef ABOTA_TEST_MANIFEST_VECTORS_H
#define ABOTA_TEST_MANIFEST_VECTORS_H

/* compact, signed with key A */
static const char manifest_a[] =
    "{\"signed\":{\"format\":1,\"version\":\"1.2.0\",\"security_version\":3,\"min_version\":\"1.0.0\",\"rollout\":12.5,\"poll_interval\":3600,\"report\":\"https://fleet.example/report\",\"images\":[{\"slot\":1,\"url\":\"user1.bin\",\"length\":301328,\"sha256\":\"0a041b9462caa4a31bac3567e0b6e6fd9100787db2ab433d96f6d178cabfce90\"},{\"slot\":2,\"url\":\"http://cdn.example/fw/user2.bin\",\"length\":301344,\"sha256\":\"6025d18fe48abd45168528f18a82e265dd98d421a7084aa09f61b341703901a3\"}]},\"signature\":\"1d974e368f7f58d40aa5ddfd6037ed81a6ae2e05fecd43a259f4926dbaa14e86967d33dc21403ebfd46a07c160dac9980796b16a27d24253170ae6fcf99ea449\"}";
/* indented, "signature" first, signed with key A */
static const char manifest_a_pretty[] =
    "{\n"
    "  \"signature\": \"561dfbaa2de7041738c0de6e5200a251df20d01ecfcbe62c051a1e046a11b24030b3ffb89193e1d4ba046d9e3374de6022bde6b6647632d9cba161dbf20f127e\",\n"
    "  \"signed\": {\n"
    "  \"format\": 1,\n"
    "  \"version\": \"1.2.0\",\n"
    "  \"security_version\": 3,\n"
    "  \"min_version\": \"1.0.0\",\n"
    "  \"rollout\": 12.5,\n"
    "  \"poll_interval\": 3600,\n"
    "  \"report\": \"https://fleet.example/report\",\n"
    "  \"images\": [\n"
    "    {\n"
    "      \"slot\": 1,\n"
    "      \"url\": \"user1.bin\",\n"
    "      \"length\": 301328,\n"
    "      \"sha256\": \"0a041b9462caa4a31bac3567e0b6e6fd9100787db2ab433d96f6d178cabfce90\"\n"
    "    },\n"
    "    {\n"
    "      \"slot\": 2,\n"
    "      \"url\": \"http://cdn.example/fw/user2.bin\",\n"
    "      \"length\": 301344,\n"
    "      \"sha256\": \"6025d18fe48abd45168528f18a82e265dd98d421a7084aa09f61b341703901a3\"\n"
    "    }\n"
    "  ]\n"
    "}\n"
    "}\n";
/* compact, signed with key B */
static const char manifest_b[] =
    "{\"signed\":{\"format\":1,\"version\":\"1.2.0\",\"security_version\":3,\"min_version\":\"1.0.0\",\"rollout\":12.5,\"poll_interval\":3600,\"report\":\"https://fleet.example/report\",\"images\":[{\"slot\":1,\"url\":\"user1.bin\",\"length\":301328,\"sha256\":\"0a041b9462caa4a31bac3567e0b6e6fd9100787db2ab433d96f6d178cabfce90\"},{\"slot\":2,\"url\":\"http://cdn.example/fw/user2.bin\",\"length\":301344,\"sha256\":\"6025d18fe48abd45168528f18a82e265dd98d421a7084aa09f61b341703901a3\"}]},\"signature\":\"f7e4bf7e9968d7dbabce8f0ff3edbc0b65e239893aa91a0a5aafddc20e8cbdc524300d748fa62bfc2cfe0b355068673d2a0300e251c887fb084655d5894cfd81\"}";

#endif
