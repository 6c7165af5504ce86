/* test_endpoint.c - partitions, standard endpoints, override precedence, S3 addressing. */
#include <stdlib.h>

#include "check.h"
#include "drivers/core/endpoint.h"

static void clear_env(void)
{
    unsetenv("AWS_ENDPOINT_URL");
    unsetenv("AWS_ENDPOINT_URL_DMS");
    unsetenv("AWS_ENDPOINT_URL_DATABASE_MIGRATION_SERVICE");
    unsetenv("AWS_ENDPOINT_URL_S3");
    unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
}

int main(void)
{
    dp_endpoint ep;
    dp_err e;
    clear_env();

    CHECK_STR(dp_partition_for_region("us-east-1")->name, "aws");
    CHECK_STR(dp_partition_for_region("cn-northwest-1")->name, "aws-cn");
    CHECK_STR(dp_partition_for_region("cn-northwest-1")->dns_suffix, "amazonaws.com.cn");
    CHECK_STR(dp_partition_for_region("us-gov-west-1")->name, "aws-us-gov");

    CHECK(dp_endpoint_resolve(&dp_svc_dms, "eu-west-1", NULL, &ep, &e) == 0);
    CHECK_STR(ep.host, "dms.eu-west-1.amazonaws.com");
    CHECK_STR(ep.scheme, "https");
    CHECK_STR(ep.signing_region, "eu-west-1");
    CHECK(!ep.custom);

    CHECK(dp_endpoint_resolve(&dp_svc_secretsmanager, "cn-north-1", NULL, &ep, &e) == 0);
    CHECK_STR(ep.host, "secretsmanager.cn-north-1.amazonaws.com.cn");

    /* IAM is global per partition, with the partition's signing region. */
    CHECK(dp_endpoint_resolve(&dp_svc_iam, "eu-central-1", NULL, &ep, &e) == 0);
    CHECK_STR(ep.host, "iam.amazonaws.com");
    CHECK_STR(ep.signing_region, "us-east-1");
    CHECK(dp_endpoint_resolve(&dp_svc_iam, "cn-northwest-1", NULL, &ep, &e) == 0);
    CHECK_STR(ep.host, "iam.cn-north-1.amazonaws.com.cn");
    CHECK_STR(ep.signing_region, "cn-north-1");
    CHECK(dp_endpoint_resolve(&dp_svc_iam, "us-gov-east-1", NULL, &ep, &e) == 0);
    CHECK_STR(ep.host, "iam.us-gov.amazonaws.com");
    CHECK_STR(ep.signing_region, "us-gov-west-1");
    CHECK(dp_endpoint_resolve(&dp_svc_sts, "us-gov-east-1", NULL, &ep, &e) == 0);
    CHECK_STR(ep.host, "sts.us-gov-east-1.amazonaws.com");

    /* Bad or missing regions never reach a hostname. */
    CHECK(dp_endpoint_resolve(&dp_svc_dms, "us-east-1.evil.com/", NULL, &ep, &e) == -1);
    CHECK_INT(e.kind, DP_E_CONFIG);
    CHECK(dp_endpoint_resolve(&dp_svc_dms, NULL, NULL, &ep, &e) == -1);

    /* Precedence: flag > AWS_ENDPOINT_URL_<SERVICE> > AWS_ENDPOINT_URL > profile services > profile. */
    dp_endpoint_config cfg = {.profile_url = "http://profile:1", .profile_service_url = "http://svcsection:2"};
    CHECK(dp_endpoint_resolve(&dp_svc_dms, "us-east-1", &cfg, &ep, &e) == 0);
    CHECK_STR(ep.host, "svcsection:2");
    cfg.profile_service_url = NULL;
    CHECK(dp_endpoint_resolve(&dp_svc_dms, "us-east-1", &cfg, &ep, &e) == 0);
    CHECK_STR(ep.host, "profile:1");
    setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:5000", 1);
    CHECK(dp_endpoint_resolve(&dp_svc_dms, "us-east-1", &cfg, &ep, &e) == 0);
    CHECK_STR(ep.host, "127.0.0.1:5000");
    CHECK_STR(ep.scheme, "http");
    CHECK(ep.custom);
    CHECK_STR(ep.origin, "AWS_ENDPOINT_URL");
    setenv("AWS_ENDPOINT_URL_DMS", "http://localhost:7000/base/", 1);
    CHECK(dp_endpoint_resolve(&dp_svc_dms, "us-east-1", &cfg, &ep, &e) == 0);
    CHECK_STR(ep.host, "localhost:7000");
    CHECK_STR(ep.base_path, "/base");
    CHECK_STR(ep.origin, "AWS_ENDPOINT_URL_DMS");
    setenv("AWS_ENDPOINT_URL_DATABASE_MIGRATION_SERVICE", "http://official:1", 1);
    CHECK(dp_endpoint_resolve(&dp_svc_dms, "us-east-1", &cfg, &ep, &e) == 0);
    CHECK_STR(ep.host, "official:1");
    /* Other services are not affected by the DMS variable. */
    CHECK(dp_endpoint_resolve(&dp_svc_rds, "us-east-1", &cfg, &ep, &e) == 0);
    CHECK_STR(ep.host, "127.0.0.1:5000");
    cfg.flag_url = "https://flag.example:8443";
    CHECK(dp_endpoint_resolve(&dp_svc_dms, "us-east-1", &cfg, &ep, &e) == 0);
    CHECK_STR(ep.host, "flag.example:8443");
    CHECK_STR(ep.origin, "--endpoint-url");
    /* AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ignores environment and profile, not the flag. */
    setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
    cfg.flag_url = NULL;
    CHECK(dp_endpoint_resolve(&dp_svc_dms, "us-east-1", &cfg, &ep, &e) == 0);
    CHECK_STR(ep.host, "dms.us-east-1.amazonaws.com");
    clear_env();

    CHECK(dp_endpoint_parse_url("ftp://x", &ep, &e) == -1);
    CHECK(dp_endpoint_parse_url("http://", &ep, &e) == -1);

    CHECK(dp_s3_bucket_dns_compatible("my-lab-bucket-1"));
    CHECK(!dp_s3_bucket_dns_compatible("my.dotted.bucket"));
    CHECK(!dp_s3_bucket_dns_compatible("UpperCase"));
    CHECK(!dp_s3_bucket_dns_compatible("ab"));
    CHECK(!dp_s3_bucket_dns_compatible("-leading"));
    CHECK_DONE();
}
