"""task_fixture.py - DMS resources for the `dmsprov task` integration tests (boto3, moto).

  ENDPOINT infra NAME                          VPC, 2 subnets, subnet group, replication instance and
                                               source/target endpoints; prints their ARNs as JSON
  ENDPOINT task ID INFRA TYPE [STACK LOGICAL]  a task (tables public.emp1, emp2, dept), optionally
                                               with dmsprov ownership tags; prints its ARN
  ENDPOINT get ARN FIELD[.SUB]                 one field of the task's description ("" if none)
  ENDPOINT exists ARN | tags ARN | tables ARN   yes/no; its tags as a map; its table states
"""
import boto3, json, sys
ep, cmd, name = sys.argv[1], sys.argv[2], sys.argv[3]
def c(s): return boto3.client(s, endpoint_url=ep, region_name='us-east-1')
dms, ec2 = c('dms'), c('ec2')
if cmd == 'infra':
    vpc = ec2.create_vpc(CidrBlock='10.9.0.0/16')['Vpc']['VpcId']
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f'10.9.{i}.0/24', AvailabilityZone=f'us-east-1{z}')['Subnet']['SubnetId']
               for i, z in ((1, 'a'), (2, 'b'))]
    dms.create_replication_subnet_group(ReplicationSubnetGroupIdentifier=name + '-sg',
        ReplicationSubnetGroupDescription='dmsprov task test', SubnetIds=subnets)
    ri = dms.create_replication_instance(ReplicationInstanceIdentifier=name + '-ri',
        ReplicationInstanceClass='dms.t3.micro', ReplicationSubnetGroupIdentifier=name + '-sg')['ReplicationInstance']['ReplicationInstanceArn']
    for _ in range(50):
        if dms.describe_replication_instances(Filters=[{'Name': 'replication-instance-arn', 'Values': [ri]}])['ReplicationInstances'][0]['ReplicationInstanceStatus'] == 'available':
            break
    eps = {}
    for kind in ('source', 'target'):
        e = dms.create_endpoint(EndpointIdentifier=f'{name}-{kind}', EndpointType=kind, EngineName='postgres',
            ServerName='db.example.internal', Port=5432, DatabaseName='lab', Username='lab')['Endpoint']['EndpointArn']
        eps[kind] = e
        for _ in range(50):
            if dms.describe_endpoints(Filters=[{'Name': 'endpoint-arn', 'Values': [e]}])['Endpoints'][0]['Status'] == 'active':
                break
    print(json.dumps({'instance': ri, 'source': eps['source'], 'target': eps['target']}))
elif cmd == 'task':  # task ID INFRA MIGRATION_TYPE [STACK LOGICAL_ID]
    infra, mtype = json.loads(sys.argv[4]), sys.argv[5]
    tags = [{'Key': 'team', 'Value': 'lab'}]
    if len(sys.argv) > 7:
        tags += [{'Key': 'dmsprov:stack', 'Value': sys.argv[6]}, {'Key': 'dmsprov:logical-id', 'Value': sys.argv[7]}]
    rules = [{'rule-type': 'selection', 'rule-id': '1', 'rule-name': '1', 'rule-action': 'include',
              'object-locator': {'schema-name': 'public', 'table-name': 'emp%'}},
             {'rule-type': 'selection', 'rule-id': '2', 'rule-name': '2', 'rule-action': 'include',
              'object-locator': {'schema-name': 'public', 'table-name': 'dept'}}]
    settings = {'TargetMetadata': {'SupportLobs': True},
                'Logging': {'EnableLogging': True, 'CloudWatchLogGroup': 'dms-tasks-x', 'CloudWatchLogStream': 'dms-task-x'}}
    t = dms.create_replication_task(ReplicationTaskIdentifier=name, SourceEndpointArn=infra['source'],
        TargetEndpointArn=infra['target'], ReplicationInstanceArn=infra['instance'], MigrationType=mtype,
        TableMappings=json.dumps({'rules': rules}), ReplicationTaskSettings=json.dumps(settings), Tags=tags)
    print(t['ReplicationTask']['ReplicationTaskArn'])
elif cmd == 'get':  # get ARN FIELD
    t = dms.describe_replication_tasks(Filters=[{'Name': 'replication-task-arn', 'Values': [name]}])['ReplicationTasks'][0]
    v = t
    for k in sys.argv[4].split('.'):
        v = v.get(k) if isinstance(v, dict) else None
    print('' if v is None else v)
elif cmd == 'exists':  # exists ARN -> yes / no
    try:
        dms.describe_replication_tasks(Filters=[{'Name': 'replication-task-arn', 'Values': [name]}])
        print('yes')
    except dms.exceptions.ResourceNotFoundFault:
        print('no')
elif cmd == 'tags':  # tags ARN -> {"Key": "Value", ...}
    print(json.dumps({t['Key']: t['Value'] for t in dms.list_tags_for_resource(ResourceArn=name)['TagList']}))
elif cmd == 'tables':  # tables ARN -> {"schema.table": {"state": ..., "reloaded": ...}}
    stats = dms.describe_table_statistics(ReplicationTaskArn=name)['TableStatistics']
    print(json.dumps({f"{t['SchemaName']}.{t['TableName']}": {'state': t['TableState'],
                      'reloaded': t.get('FullLoadReloaded', False)} for t in stats}))
else:
    sys.exit(f'unknown fixture command {cmd}')
