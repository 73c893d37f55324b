/* Written by tests/tools/gen_poll_vectors.py: do not edit. Release manifests
 * signed by openssl with the test-only keys of tests/data/keys (public: they
 * prove nothing) for unit.poll. */
#ifndef ABOTA_TEST_POLL_VECTORS_H
#define ABOTA_TEST_POLL_VECTORS_H

#define POLL_PAYLOAD 4000u
#define POLL_LENGTH 4256u /* the image file named */

/* 1.1.0, security 1, poll_interval 600, user1.bin and user2.bin (relative) */
static const char poll_newer[] =
    "{\"signed\":{\"format\":1,\"version\":\"1.1.0\",\"security_version\":1,\"poll_interval\":600,\"images\":[{\"slot\":1,\"url\":\"user1.bin\",\"length\":4256,\"sha256\":\"5e61d427a5c2dde5307f8ed55df81719bfc82f65b5f8e0c524f61517f304800a\"},{\"slot\":2,\"url\":\"user2.bin\",\"length\":4256,\"sha256\":\"5e61d427a5c2dde5307f8ed55df81719bfc82f65b5f8e0c524f61517f304800a\"}]},\"signature\":\"7493d7b9c445bdf1c5a7f574a94741d5c85020fd2704445aa02bc54619823c0afc0a3c664ec7c795521bc2fe2dc6ae7b1616eec2f43323740a97ec84b73cc834\"}";
/* 1.1.0, one image for either slot at an absolute URL with a %20 */
static const char poll_absolute[] =
    "{\"signed\":{\"format\":1,\"version\":\"1.1.0\",\"images\":[{\"slot\":0,\"url\":\"http://cdn.example/fw/any%20x.bin\",\"length\":4256,\"sha256\":\"5e61d427a5c2dde5307f8ed55df81719bfc82f65b5f8e0c524f61517f304800a\"}]},\"signature\":\"d0aa69473d3555414431f0a579eb5f97d1abeb9a7f6c4861aacbfe5da01372ef34af028560e3fc517518eb72845ce441483d98cb1f60646d80d1807f5f400e48\"}";
/* 1.0.0: the running version */
static const char poll_equal[] =
    "{\"signed\":{\"format\":1,\"version\":\"1.0.0\",\"images\":[{\"slot\":1,\"url\":\"user1.bin\",\"length\":4256,\"sha256\":\"5e61d427a5c2dde5307f8ed55df81719bfc82f65b5f8e0c524f61517f304800a\"},{\"slot\":2,\"url\":\"user2.bin\",\"length\":4256,\"sha256\":\"5e61d427a5c2dde5307f8ed55df81719bfc82f65b5f8e0c524f61517f304800a\"}]},\"signature\":\"156b9acbd791e95674e8f87ef32ac61b51cbb3c62398666179281d1e0959ac7d0de862ecceb343c83bf96ec851eb9ab4411aface2355421de37b7abb869fc416\"}";
/* 0.9.0 */
static const char poll_older[] =
    "{\"signed\":{\"format\":1,\"version\":\"0.9.0\",\"images\":[{\"slot\":1,\"url\":\"user1.bin\",\"length\":4256,\"sha256\":\"5e61d427a5c2dde5307f8ed55df81719bfc82f65b5f8e0c524f61517f304800a\"},{\"slot\":2,\"url\":\"user2.bin\",\"length\":4256,\"sha256\":\"5e61d427a5c2dde5307f8ed55df81719bfc82f65b5f8e0c524f61517f304800a\"}]},\"signature\":\"480298c434d82616875d88f63409e6bf72cf64c4e1a8af4a4c4d02a1778831955e3522929dbb83af0c77f9d74dde203970eabb36904668a24d616aacc99f3b88\"}";
/* 1.1.0 for devices from 1.0.1 on */
static const char poll_min[] =
    "{\"signed\":{\"format\":1,\"version\":\"1.1.0\",\"min_version\":\"1.0.1\",\"images\":[{\"slot\":1,\"url\":\"user1.bin\",\"length\":4256,\"sha256\":\"5e61d427a5c2dde5307f8ed55df81719bfc82f65b5f8e0c524f61517f304800a\"},{\"slot\":2,\"url\":\"user2.bin\",\"length\":4256,\"sha256\":\"5e61d427a5c2dde5307f8ed55df81719bfc82f65b5f8e0c524f61517f304800a\"}]},\"signature\":\"62ab533f2e0a019c864229e26d41c2c03da6eaab267d0015e444a4580aa31bce0995827fbb018bd91e5371e9351b15169cfef4469492fc951fcfb4234e065835\"}";
/* 1.1.0 for nobody (rollout 0) */
static const char poll_rollout0[] =
    "{\"signed\":{\"format\":1,\"version\":\"1.1.0\",\"rollout\":0,\"images\":[{\"slot\":1,\"url\":\"user1.bin\",\"length\":4256,\"sha256\":\"5e61d427a5c2dde5307f8ed55df81719bfc82f65b5f8e0c524f61517f304800a\"},{\"slot\":2,\"url\":\"user2.bin\",\"length\":4256,\"sha256\":\"5e61d427a5c2dde5307f8ed55df81719bfc82f65b5f8e0c524f61517f304800a\"}]},\"signature\":\"0132b620e96f72f3bb8f79cdd5c1836c42bd8ea38561a128fea95e6470a8f0e0f503bd071b627fa595d41636c4d851b64fe187b2edef15d76543b935acc03715\"}";
/* 1.1.0 with an image for slot 1 only */
static const char poll_slot1_only[] =
    "{\"signed\":{\"format\":1,\"version\":\"1.1.0\",\"images\":[{\"slot\":1,\"url\":\"user1.bin\",\"length\":4256,\"sha256\":\"5e61d427a5c2dde5307f8ed55df81719bfc82f65b5f8e0c524f61517f304800a\"}]},\"signature\":\"61392a8ce301a59317362c281bd83269dc7fa7057178a199b693114f8ea42ae548850ca38e0511e9098cde077cf98942ab4ed56cc4810f1e903da764663d6713\"}";
/* 1.1.0 with user2.bin one directory up */
static const char poll_up[] =
    "{\"signed\":{\"format\":1,\"version\":\"1.1.0\",\"images\":[{\"slot\":2,\"url\":\"../fw/user2.bin\",\"length\":4256,\"sha256\":\"5e61d427a5c2dde5307f8ed55df81719bfc82f65b5f8e0c524f61517f304800a\"}]},\"signature\":\"2485228828faca2d5f3ec1c7e326ddf05db3cebb5c3d64df8382613977e7c6610903f921203f5f9c23f6d617ea5242771b4fd70be10a2879b91e386a58f6b086\"}";
/* poll_newer's release signed with key B */
static const char poll_key_b[] =
    "{\"signed\":{\"format\":1,\"version\":\"1.1.0\",\"security_version\":1,\"poll_interval\":600,\"images\":[{\"slot\":1,\"url\":\"user1.bin\",\"length\":4256,\"sha256\":\"5e61d427a5c2dde5307f8ed55df81719bfc82f65b5f8e0c524f61517f304800a\"},{\"slot\":2,\"url\":\"user2.bin\",\"length\":4256,\"sha256\":\"5e61d427a5c2dde5307f8ed55df81719bfc82f65b5f8e0c524f61517f304800a\"}]},\"signature\":\"cd038d1bdd75a89e773d19464d0c7df648b56977c7cc20adde5adfc63b803bb388d321ea1ac35ae7b4bf13ebe8866e6edf5e86865d5072db1c0a1f6218124ce1\"}";
/* poll_newer's release without the signature */
static const char poll_unsigned[] =
    "{\"signed\":{\"format\":1,\"version\":\"1.1.0\",\"security_version\":1,\"poll_interval\":600,\"images\":[{\"slot\":1,\"url\":\"user1.bin\",\"length\":4256,\"sha256\":\"5e61d427a5c2dde5307f8ed55df81719bfc82f65b5f8e0c524f61517f304800a\"},{\"slot\":2,\"url\":\"user2.bin\",\"length\":4256,\"sha256\":\"5e61d427a5c2dde5307f8ed55df81719bfc82f65b5f8e0c524f61517f304800a\"}]}}";

#endif
