#!/usr/bin/env python3
"""gen_template.py - writes a CloudFormation-style template with N resources for the
validate benchmark: a realistic mix of the supported types, with Ref/GetAtt/Sub chains,
conditions, mappings and JSON documents, so every part of validation is exercised."""
import sys


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    out = sys.stdout
    out.write('AWSTemplateFormatVersion: "2010-09-09"\n')
    out.write("Description: generated benchmark template (%d resources)\n" % n)
    out.write("Parameters:\n  Env:\n    Type: String\n    AllowedValues: [dev, prod]\n    Default: dev\n")
    out.write("  Subnets:\n    Type: List<AWS::EC2::Subnet::Id>\n    Default: subnet-1,subnet-2\n")
    out.write("Mappings:\n  Sizes:\n    dev: {Class: dms.t3.micro}\n    prod: {Class: dms.r5.large}\n")
    out.write("Conditions:\n  IsProd: !Equals [!Ref Env, prod]\n")
    out.write("Resources:\n")
    kinds = 6
    for i in range(n):
        k = i % kinds
        prev = "R%d" % (i - 1) if i else None
        out.write("  R%d:\n" % i)
        if k == 0:
            out.write("    Type: AWS::S3::Bucket\n    Properties:\n")
            out.write('      BucketName: !Sub "bench-${Env}-%d"\n' % i)
            out.write("      VersioningConfiguration: {Status: !If [IsProd, Enabled, Suspended]}\n")
            out.write("      Tags: [{Key: n, Value: '%d'}]\n" % i)
        elif k == 1:
            out.write("    Type: AWS::SSM::Parameter\n    Properties:\n")
            out.write("      Type: String\n      Name: /bench/p%d\n" % i)
            out.write("      Value: !GetAtt %s.Arn\n" % prev)
        elif k == 2:
            out.write("    Type: AWS::IAM::Role\n    Properties:\n")
            out.write("      RoleName: bench-role-%d\n" % i)
            out.write("      AssumeRolePolicyDocument:\n        Version: '2012-10-17'\n")
            out.write("        Statement: [{Effect: Allow, Principal: {Service: dms.amazonaws.com}, Action: 'sts:AssumeRole'}]\n")
        elif k == 3:
            out.write("    Type: AWS::DMS::ReplicationSubnetGroup\n    Properties:\n")
            out.write("      ReplicationSubnetGroupDescription: !Sub 'group for ${%s}'\n" % prev)
            out.write("      SubnetIds: !Ref Subnets\n")
        elif k == 4:
            out.write("    Type: AWS::DMS::ReplicationInstance\n    Properties:\n")
            out.write("      ReplicationInstanceClass: !FindInMap [Sizes, !Ref Env, Class]\n")
            out.write("      AllocatedStorage: 50\n")
            out.write("      ReplicationSubnetGroupIdentifier: !Ref %s\n" % prev)
        else:
            out.write("    Type: AWS::DMS::Endpoint\n    DependsOn: %s\n    Properties:\n" % prev)
            out.write("      EndpointType: source\n      EngineName: postgres\n")
            out.write("      ServerName: db%d.example.com\n      Port: 5432\n" % i)
            out.write("      Username: admin\n")
            out.write("      Password: '{{resolve:secretsmanager:bench/db:SecretString:password}}'\n")
    out.write("Outputs:\n  First:\n    Value: !Ref R0\n")


if __name__ == "__main__":
    main()
