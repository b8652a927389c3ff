// Per-rule tests: the spec's examples and graphql-js's own cases for each rule,
// re-expressed against the test schema (Fixtures/ValidationTestSchema.graphql).
// Expected messages/locations are graphql-js 16's (graphql-core 3.2's for
// MaxIntrospectionDepth, which graphql-js 16.6 lacks), frozen here by
// Fixtures/ValidationGenerateRuleTests.py.
import XCTest
@testable import Schema

final class ValidationExecutableDefinitionsRuleTests: ValidationRuleTestCase {
    override var ruleName: String { "ExecutableDefinitions" }
    func testAcceptsOnlyOperationsAndFragments() {
        expectValid("query Foo { dog { name } } fragment Frag on Dog { name }")
    }
    func testRejectsTypeDefinitions() {
        expectErrors("query Foo { dog { name } }\ntype Cow { name: String }\nextend type Dog { color: String }", [
            "The \"Cow\" definition is not executable. @2:1",
            "The \"Dog\" definition is not executable. @3:1",
        ])
    }
    func testRejectsSchemaDefinitions() {
        expectErrors("schema { query: Query }\ntype Query { test: String }\nextend schema @directive", [
            "The schema definition is not executable. @1:1",
            "The \"Query\" definition is not executable. @2:1",
            "The schema definition is not executable. @3:1",
        ])
    }
}

final class ValidationUniqueOperationNamesRuleTests: ValidationRuleTestCase {
    override var ruleName: String { "UniqueOperationNames" }
    func testAcceptsDistinctOperationNames() {
        expectValid("query Foo { dog { name } } query Bar { dog { name } }")
    }
    func testAcceptsOneAnonymousOperation() {
        expectValid("{ dog { name } }")
    }
    func testRejectsDuplicateNamesAcrossOperationKinds() {
        expectErrors("query Foo { dog { name } }\nmutation Foo { configure(input: {requiredField: true}) }", [
            "There can be only one operation named \"Foo\". @1:7,2:10",
        ])
    }
    func testRejectsDuplicateOperationNames() {
        expectErrors("query Foo { dog { name } }\nquery Foo { dog { nickname } }", [
            "There can be only one operation named \"Foo\". @1:7,2:7",
        ])
    }
}

final class ValidationLoneAnonymousOperationRuleTests: ValidationRuleTestCase {
    override var ruleName: String { "LoneAnonymousOperation" }
    func testAcceptsSingleAnonymousOperation() {
        expectValid("{ dog { name } }")
    }
    func testAcceptsAnonymousOperationWithFragments() {
        expectValid("{ ...Fragment } fragment Fragment on QueryRoot { dog { name } }")
    }
    func testRejectsAnonymousOperationNextToOthers() {
        expectErrors("{ dog { name } }\nquery Foo { dog { name } }", [
            "This anonymous operation must be the only defined operation. @1:1",
        ])
    }
    func testRejectsTwoAnonymousOperations() {
        expectErrors("{ dog { name } }\n{ cat { name } }", [
            "This anonymous operation must be the only defined operation. @1:1",
            "This anonymous operation must be the only defined operation. @2:1",
        ])
    }
}

final class ValidationSingleFieldSubscriptionsRuleTests: ValidationRuleTestCase {
    override var ruleName: String { "SingleFieldSubscriptions" }
    func testAcceptsOneRootField() {
        expectValid("subscription ImportantEmails { dogBarked { name } }")
    }
    func testAcceptsOneRootFieldThroughFragments() {
        expectValid("subscription S { ...F } fragment F on SubscriptionRoot { dogBarked { name } }")
    }
    func testRejectsMultipleRootFields() {
        expectErrors("subscription ImportantEmails {\n  dogBarked { name }\n  catMeowed { name }\n}", [
            "Subscription \"ImportantEmails\" must select only one top level field. @3:3",
        ])
    }
    func testRejectsMultipleRootFieldsInFragments() {
        expectErrors("subscription S { ...F dogBarked { name } }\nfragment F on SubscriptionRoot { catMeowed { name } __typename }", [
            "Subscription \"S\" must select only one top level field. @2:53,1:23",
            "Subscription \"S\" must not select an introspection top level field. @2:53",
        ])
    }
    func testRejectsIntrospectionRootField() {
        expectErrors("subscription { __typename }", [
            "Anonymous Subscription must not select an introspection top level field. @1:16",
        ])
    }
    func testSkippedFieldsDoNotCount() {
        expectValid("subscription S { dogBarked { name } catMeowed @skip(if: true) { name } }")
    }
}

final class ValidationKnownTypeNamesRuleTests: ValidationRuleTestCase {
    override var ruleName: String { "KnownTypeNames" }
    func testAcceptsKnownTypes() {
        expectValid("query Foo($var: String, $required: [Int!]!) { dog { ... on Dog { name } ...PetFields } } fragment PetFields on Pet { name }")
    }
    func testRejectsUnknownTypesWithSuggestions() {
        expectErrors("query Foo($var: JumbledUpLetters) { dog { name ... on Badger { name } ...PeopleFields } }\nfragment PeopleFields on Peat { name }", [
            "Unknown type \"JumbledUpLetters\". @1:17",
            "Unknown type \"Badger\". @1:55",
            "Unknown type \"Peat\". Did you mean \"Pet\" or \"Cat\"? @2:26",
        ])
    }
    func testRejectsUnknownTypeInNestedListVariable() {
        expectErrors("query Foo($var: [[Strin!]]) { dog { name } }", [
            "Unknown type \"Strin\". Did you mean \"String\"? @1:19",
        ])
    }
}

final class ValidationFragmentsOnCompositeTypesRuleTests: ValidationRuleTestCase {
    override var ruleName: String { "FragmentsOnCompositeTypes" }
    func testAcceptsObjectInterfaceAndUnionConditions() {
        expectValid("fragment A on Dog { barks } fragment B on Pet { name } fragment C on CatOrDog { __typename } { dog { ... { name } ... on Dog { barks } } }")
    }
    func testRejectsScalarConditions() {
        expectErrors("fragment scalarFragment on Boolean { bad }\n{ dog { ... on String { meowVolume } } }", [
            "Fragment \"scalarFragment\" cannot condition on non composite type \"Boolean\". @1:28",
            "Fragment cannot condition on non composite type \"String\". @2:16",
        ])
    }
    func testRejectsEnumAndInputObjectConditions() {
        expectErrors("fragment E on FurColor { bad } fragment I on ComplexInput { stringField }", [
            "Fragment \"E\" cannot condition on non composite type \"FurColor\". @1:15",
            "Fragment \"I\" cannot condition on non composite type \"ComplexInput\". @1:46",
        ])
    }
}

final class ValidationVariablesAreInputTypesRuleTests: ValidationRuleTestCase {
    override var ruleName: String { "VariablesAreInputTypes" }
    func testAcceptsInputTypes() {
        expectValid("query Foo($a: String, $b: [Boolean!]!, $c: ComplexInput, $d: FurColor) { dog { name } }")
    }
    func testRejectsOutputTypes() {
        expectErrors("query Foo($a: Dog, $b: [[CatOrDog!]]!, $c: Pet) { dog { name } }", [
            "Variable \"$a\" cannot be non-input type \"Dog\". @1:15",
            "Variable \"$b\" cannot be non-input type \"[[CatOrDog!]]!\". @1:24",
            "Variable \"$c\" cannot be non-input type \"Pet\". @1:44",
        ])
    }
}

final class ValidationScalarLeafsRuleTests: ValidationRuleTestCase {
    override var ruleName: String { "ScalarLeafs" }
    func testAcceptsScalarSelections() {
        expectValid("fragment F on Dog { barks name isHouseTrained(atOtherHomes: true) }")
    }
    func testRejectsObjectWithoutSelection() {
        expectErrors("query directQueryOnObjectWithoutSubFields { human }", [
            "Field \"human\" of type \"Human\" must have a selection of subfields. Did you mean \"human { ... }\"? @1:45",
        ])
    }
    func testRejectsInterfaceWithoutSelection() {
        expectErrors("{ human { pets } }", [
            "Field \"pets\" of type \"[Pet]\" must have a selection of subfields. Did you mean \"pets { ... }\"? @1:11",
        ])
    }
    func testRejectsSelectionOnScalarAndEnum() {
        expectErrors("fragment F on Dog { barks { sinceWhen } }\nfragment G on Cat { furColor { inHexDec } }", [
            "Field \"barks\" must not have a selection since type \"Boolean\" has no subfields. @1:27",
            "Field \"furColor\" must not have a selection since type \"FurColor\" has no subfields. @2:30",
        ])
    }
    func testRejectsSelectionOnScalarWithArgsAndDirectives() {
        expectErrors("fragment F on Dog { doesKnowCommand(dogCommand: SIT) @include(if: true) { sinceWhen } }", [
            "Field \"doesKnowCommand\" must not have a selection since type \"Boolean\" has no subfields. @1:73",
        ])
    }
}

final class ValidationFieldsOnCorrectTypeRuleTests: ValidationRuleTestCase {
    override var ruleName: String { "FieldsOnCorrectType" }
    func testAcceptsFieldsAliasesTypenameAndMetaFields() {
        expectValid("fragment F on Dog { name tName: name __typename } { __schema { types { name } } __type(name: \"Dog\") { name } }")
    }
    func testRejectsUnknownFieldWithFieldSuggestion() {
        expectErrors("fragment F on Dog { meowVolume }", [
            "Cannot query field \"meowVolume\" on type \"Dog\". Did you mean \"barkVolume\"? @1:21",
        ])
    }
    func testRejectsUnknownFieldsDeeply() {
        expectErrors("fragment F on Dog { unknown_field { deeper_unknown_field } }", [
            "Cannot query field \"unknown_field\" on type \"Dog\". @1:21",
        ])
    }
    func testSuggestsInlineFragmentsOnAbstractTypes() {
        expectErrors("fragment F on Pet { meowsVolume } fragment G on Being { barkVolume } fragment H on CatOrDog { name }", [
            "Cannot query field \"meowsVolume\" on type \"Pet\". Did you mean to use an inline fragment on \"Cat\"? @1:21",
            "Cannot query field \"barkVolume\" on type \"Being\". Did you mean to use an inline fragment on \"Dog\"? @1:57",
            "Cannot query field \"name\" on type \"CatOrDog\". Did you mean to use an inline fragment on \"Being\", \"Pet\", \"Canine\", \"Cat\", or \"Dog\"? @1:95",
        ])
    }
    func testRejectsFieldsOnUnionsAndSchemaOnNonRoot() {
        expectErrors("fragment F on CatOrDog { directField } { dog { __schema { types { name } } } }", [
            "Cannot query field \"directField\" on type \"CatOrDog\". @1:26",
            "Cannot query field \"__schema\" on type \"Dog\". @1:48",
        ])
    }
}

final class ValidationUniqueFragmentNamesRuleTests: ValidationRuleTestCase {
    override var ruleName: String { "UniqueFragmentNames" }
    func testAcceptsDistinctFragments() {
        expectValid("{ dog { ...A ...B } } fragment A on Dog { name } fragment B on Dog { barks }")
    }
    func testRejectsDuplicateFragments() {
        expectErrors("{ dog { ...fragA } }\nfragment fragA on Dog { name }\nfragment fragA on Dog { barks }", [
            "There can be only one fragment named \"fragA\". @2:10,3:10",
        ])
    }
}

final class ValidationKnownFragmentNamesRuleTests: ValidationRuleTestCase {
    override var ruleName: String { "KnownFragmentNames" }
    func testAcceptsKnownFragments() {
        expectValid("{ human(id: 4) { ...HumanFields1 } } fragment HumanFields1 on Human { name ...HumanFields3 } fragment HumanFields3 on Human { name }")
    }
    func testRejectsUnknownFragments() {
        expectErrors("{ human(id: 4) { ...UnknownFragment1 ... on Human { ...UnknownFragment2 } } }\nfragment HumanFields on Human { name ...UnknownFragment3 }", [
            "Unknown fragment \"UnknownFragment1\". @1:21",
            "Unknown fragment \"UnknownFragment2\". @1:56",
            "Unknown fragment \"UnknownFragment3\". @2:41",
        ])
    }
}

final class ValidationNoUnusedFragmentsRuleTests: ValidationRuleTestCase {
    override var ruleName: String { "NoUnusedFragments" }
    func testAcceptsFragmentsUsedTransitively() {
        expectValid("{ human(id: 4) { ...A } } fragment A on Human { ...B } fragment B on Human { name }")
    }
    func testRejectsUnusedFragments() {
        expectErrors("query Foo { human(id: 4) { ...HumanFields1 } }\nfragment HumanFields1 on Human { name }\nfragment Unused1 on Human { name }\nfragment Unused2 on Human { ...Unused1 }", [
            "Fragment \"Unused1\" is never used. @3:1",
            "Fragment \"Unused2\" is never used. @4:1",
        ])
    }
}

final class ValidationPossibleFragmentSpreadsRuleTests: ValidationRuleTestCase {
    override var ruleName: String { "PossibleFragmentSpreads" }
    func testAcceptsOverlappingTypes() {
        expectValid("fragment A on Dog { ...B ...C ...D ... on Pet { name } } fragment B on Pet { name } fragment C on CatOrDog { __typename } fragment D on Canine { name }")
    }
    func testRejectsDisjointObjectTypes() {
        expectErrors("fragment invalidObjectWithinObject on Cat { ...dogFragment }\nfragment dogFragment on Dog { barkVolume }\nfragment inlineInvalid on Cat { ... on Dog { barkVolume } }", [
            "Fragment \"dogFragment\" cannot be spread here as objects of type \"Cat\" can never be of type \"Dog\". @1:45",
            "Fragment cannot be spread here as objects of type \"Cat\" can never be of type \"Dog\". @3:33",
        ])
    }
    func testRejectsDisjointAbstractTypes() {
        expectErrors("fragment A on CatOrDog { ...H } fragment H on HumanOrAlien { __typename }\nfragment B on Pet { ... on Intelligent { iq } }", [
            "Fragment \"H\" cannot be spread here as objects of type \"CatOrDog\" can never be of type \"HumanOrAlien\". @1:26",
            "Fragment cannot be spread here as objects of type \"Pet\" can never be of type \"Intelligent\". @2:21",
        ])
    }
}

final class ValidationNoFragmentCyclesRuleTests: ValidationRuleTestCase {
    override var ruleName: String { "NoFragmentCycles" }
    func testAcceptsDoubleSpreadWithoutCycle() {
        expectValid("fragment A on Dog { ...B ...B } fragment B on Dog { name }")
    }
    func testRejectsSelfSpread() {
        expectErrors("fragment A on Dog { ...A }", [
            "Cannot spread fragment \"A\" within itself. @1:21",
        ])
    }
    func testRejectsCyclesViaOtherFragments() {
        expectErrors("fragment A on Dog { ...B }\nfragment B on Dog { ...C }\nfragment C on Dog { ...A }", [
            "Cannot spread fragment \"A\" within itself via \"B\", \"C\". @1:21,2:21,3:21",
        ])
    }
    func testRejectsCyclesThroughInlineFragments() {
        expectErrors("fragment A on Pet { ... on Dog { ...B } }\nfragment B on Pet { ... on Dog { ...A } }", [
            "Cannot spread fragment \"A\" within itself via \"B\". @1:34,2:34",
        ])
    }
    func testReportsEachCycleOnce() {
        expectErrors("fragment A on Dog { ...B ...C } fragment B on Dog { ...A } fragment C on Dog { ...A }", [
            "Cannot spread fragment \"A\" within itself via \"B\". @1:21,1:53",
            "Cannot spread fragment \"A\" within itself via \"C\". @1:26,1:80",
        ])
    }
}

final class ValidationUniqueVariableNamesRuleTests: ValidationRuleTestCase {
    override var ruleName: String { "UniqueVariableNames" }
    func testAcceptsDistinctVariables() {
        expectValid("query A($x: Int, $y: String) { __typename }")
    }
    func testRejectsDuplicateVariables() {
        expectErrors("query A($x: Int, $x: Int, $x: String) { __typename }\nquery B($y: String, $y: Int) { __typename }", [
            "There can be only one variable named \"$x\". @1:10,1:19,1:28",
            "There can be only one variable named \"$y\". @2:10,2:22",
        ])
    }
}

final class ValidationNoUndefinedVariablesRuleTests: ValidationRuleTestCase {
    override var ruleName: String { "NoUndefinedVariables" }
    func testAcceptsDefinedVariablesInFragments() {
        expectValid("query Foo($a: String) { ...F } fragment F on QueryRoot { human(id: $a) { name } }")
    }
    func testRejectsUndefinedVariables() {
        expectErrors("query Foo($a: String) {\n  human(id: $a) { name }\n  dog { isAtLocation(x: $x, y: $y) }\n}", [
            "Variable \"$x\" is not defined by operation \"Foo\". @3:25,1:1",
            "Variable \"$y\" is not defined by operation \"Foo\". @3:32,1:1",
        ])
    }
    func testRejectsUndefinedVariablesInFragmentsPerOperation() {
        expectErrors("query Foo { ...F }\nquery { ...F }\nfragment F on QueryRoot { human(id: $a) { name } }", [
            "Variable \"$a\" is not defined by operation \"Foo\". @3:37,1:1",
            "Variable \"$a\" is not defined. @3:37,2:1",
        ])
    }
}

final class ValidationNoUnusedVariablesRuleTests: ValidationRuleTestCase {
    override var ruleName: String { "NoUnusedVariables" }
    func testAcceptsVariablesUsedInFragmentsAndDirectives() {
        expectValid("query Foo($a: String, $b: Boolean!) { ...F @include(if: $b) } fragment F on QueryRoot { human(id: $a) { name } }")
    }
    func testRejectsUnusedVariables() {
        expectErrors("query Foo($a: String, $b: String, $c: String) { human(id: $a) { name } }\nquery ($d: Int) { __typename }", [
            "Variable \"$b\" is never used in operation \"Foo\". @1:23",
            "Variable \"$c\" is never used in operation \"Foo\". @1:35",
            "Variable \"$d\" is never used. @2:8",
        ])
    }
}

final class ValidationKnownDirectivesRuleTests: ValidationRuleTestCase {
    override var ruleName: String { "KnownDirectives" }
    func testAcceptsKnownDirectivesInValidLocations() {
        expectValid("query Q($v: Int @onVariableDefinition) @onQuery { dog @include(if: true) @onField { name } ...F @onFragmentSpread ... @onInlineFragment { __typename } } fragment F on QueryRoot @onFragmentDefinition { __typename }")
    }
    func testRejectsUnknownDirectives() {
        expectErrors("{ dog @unknown(directive: \"value\") { name @deprecated } }", [
            "Unknown directive \"@unknown\". @1:7",
            "Directive \"@deprecated\" may not be used on FIELD. @1:43",
        ])
    }
    func testRejectsMisplacedDirectives() {
        expectErrors("query Foo($var: Boolean @onField) @include(if: true) {\n  name @onQuery @include(if: $var)\n  ...Frag @onQuery\n}\nmutation Bar @onQuery { configure(input: {requiredField: true}) }", [
            "Directive \"@onField\" may not be used on VARIABLE_DEFINITION. @1:25",
            "Directive \"@include\" may not be used on QUERY. @1:35",
            "Directive \"@onQuery\" may not be used on FIELD. @2:8",
            "Directive \"@onQuery\" may not be used on FRAGMENT_SPREAD. @3:11",
            "Directive \"@onQuery\" may not be used on MUTATION. @5:14",
        ])
    }
}

final class ValidationUniqueDirectivesPerLocationRuleTests: ValidationRuleTestCase {
    override var ruleName: String { "UniqueDirectivesPerLocation" }
    func testAcceptsRepeatableDirectivesAndDistinctOnes() {
        expectValid("{ dog @tag(name: \"a\") @tag(name: \"b\") @include(if: true) @skip(if: false) { name } }")
    }
    func testRejectsDuplicateDirectivesPerLocation() {
        expectErrors("fragment Test on Dog @onFragmentDefinition @onFragmentDefinition { name @onField @onField @onField }", [
            "The directive \"@onFragmentDefinition\" can only be used once at this location. @1:22,1:44",
            "The directive \"@onField\" can only be used once at this location. @1:73,1:82",
            "The directive \"@onField\" can only be used once at this location. @1:73,1:91",
        ])
    }
}

final class ValidationKnownArgumentNamesRuleTests: ValidationRuleTestCase {
    override var ruleName: String { "KnownArgumentNames" }
    func testAcceptsKnownArguments() {
        expectValid("fragment F on Dog { doesKnowCommand(dogCommand: SIT) isHouseTrained(atOtherHomes: true) @include(if: true) }")
    }
    func testRejectsUnknownFieldArgumentsWithSuggestions() {
        expectErrors("fragment F on Dog { doesKnowCommand(DogCommand: SIT) isHouseTrained(unknown: true) name(surname: true, surnam: false) }", [
            "Unknown argument \"DogCommand\" on field \"Dog.doesKnowCommand\". Did you mean \"dogCommand\"? @1:37",
            "Unknown argument \"unknown\" on field \"Dog.isHouseTrained\". @1:69",
            "Unknown argument \"surnam\" on field \"Dog.name\". Did you mean \"surname\"? @1:104",
        ])
    }
    func testRejectsUnknownDirectiveArguments() {
        expectErrors("{ dog @skip(iff: true) @include(if: true, unless: false) { name } }", [
            "Unknown argument \"iff\" on directive \"@skip\". Did you mean \"if\"? @1:13",
            "Unknown argument \"unless\" on directive \"@include\". @1:43",
        ])
    }
}

final class ValidationUniqueArgumentNamesRuleTests: ValidationRuleTestCase {
    override var ruleName: String { "UniqueArgumentNames" }
    func testAcceptsDistinctArguments() {
        expectValid("{ dog { isAtLocation(x: 1, y: 2) @skip(if: false) } }")
    }
    func testRejectsDuplicateFieldAndDirectiveArguments() {
        expectErrors("{ dog { isAtLocation(x: 1, x: 2, x: 3) @skip(if: true, if: false) } }", [
            "There can be only one argument named \"x\". @1:22,1:28,1:34",
            "There can be only one argument named \"if\". @1:46,1:56",
        ])
    }
}

final class ValidationValuesOfCorrectTypeRuleTests: ValidationRuleTestCase {
    override var ruleName: String { "ValuesOfCorrectType" }
    func testAcceptsGoodValues() {
        expectValid("{ complicatedArgs { intArgField(intArg: 2) floatArgField(floatArg: 1) idArgField(idArg: 1) stringListArgField(stringListArg: \"one\") enumArgField(enumArg: BROWN) complexArgField(complexArg: {requiredField: true, stringListField: [\"a\", null]}) jsonArgField(json: {any: [1, \"x\"]}) } }")
    }
    func testRejectsWrongScalarLiterals() {
        expectErrors("{ complicatedArgs {\n  intArgField(intArg: \"3\")\n  a: intArgField(intArg: 829384293849283498239482938)\n  stringArgField(stringArg: 1)\n  booleanArgField(booleanArg: 2)\n  floatArgField(floatArg: true)\n  idArgField(idArg: 1.0)\n} }", [
            "Int cannot represent non-integer value: \"3\" @2:23",
            "Int cannot represent non 32-bit signed integer value: 829384293849283498239482938 @3:26",
            "String cannot represent a non string value: 1 @4:29",
            "Boolean cannot represent a non boolean value: 2 @5:31",
            "Float cannot represent non numeric value: true @6:27",
            "ID cannot represent a non-string and non-integer value: 1.0 @7:21",
        ])
    }
    func testRejectsBadEnumValuesWithSuggestions() {
        expectErrors("{ complicatedArgs { a: enumArgField(enumArg: \"BROWN\") b: enumArgField(enumArg: brown) c: enumArgField(enumArg: 2) } dog { doesKnowCommand(dogCommand: SITT) } }", [
            "Enum \"FurColor\" cannot represent non-enum value: \"BROWN\". Did you mean the enum value \"BROWN\"? @1:46",
            "Value \"brown\" does not exist in \"FurColor\" enum. Did you mean the enum value \"BROWN\"? @1:80",
            "Enum \"FurColor\" cannot represent non-enum value: 2. @1:112",
            "Value \"SITT\" does not exist in \"DogCommand\" enum. Did you mean the enum value \"SIT\"? @1:151",
        ])
    }
    func testRejectsNullForNonNullAndListItems() {
        expectErrors("{ complicatedArgs { nonNullIntArgField(nonNullIntArg: null) stringListNonNullArgField(stringListNonNullArg: [\"a\", null]) } }", [
            "Expected value of type \"Int!\", found null. @1:55",
            "Expected value of type \"String!\", found null. @1:115",
        ])
    }
    func testRejectsBadInputObjects() {
        expectErrors("{ complicatedArgs {\n  a: complexArgField(complexArg: {intField: 4})\n  b: complexArgField(complexArg: {requiredField: true, invalidField: \"value\", stringFeild: \"x\"})\n  c: complexArgField(complexArg: \"not an object\")\n  d: intArgField(intArg: {a: 1})\n  e: intArgField(intArg: [1, 2])\n} }", [
            "Field \"ComplexInput.requiredField\" of required type \"Boolean!\" was not provided. @2:34",
            "Field \"invalidField\" is not defined by type \"ComplexInput\". Did you mean \"intField\"? @3:56",
            "Field \"stringFeild\" is not defined by type \"ComplexInput\". Did you mean \"stringField\", \"intField\", or \"stringListField\"? @3:79",
            "Expected value of type \"ComplexInput\", found \"not an object\". @4:34",
            "Int cannot represent non-integer value: {a: 1} @5:26",
            "Int cannot represent non-integer value: [1, 2] @6:26",
        ])
    }
    func testChecksVariableDefaultValues() {
        expectErrors("query Q($a: Int = \"one\", $b: ComplexInput = {requiredField: 1}, $c: [String] = [1]) { __typename }", [
            "Int cannot represent non-integer value: \"one\" @1:19",
            "Boolean cannot represent a non boolean value: 1 @1:61",
            "String cannot represent a non string value: 1 @1:81",
        ])
    }
}

final class ValidationProvidedRequiredArgumentsRuleTests: ValidationRuleTestCase {
    override var ruleName: String { "ProvidedRequiredArguments" }
    func testAcceptsProvidedAndDefaultedArguments() {
        expectValid("{ complicatedArgs { multipleReqs(req1: 1, req2: 2) nonNullFieldWithDefault multipleOpts } dog { name @include(if: true) } }")
    }
    func testRejectsMissingFieldArguments() {
        expectErrors("{ complicatedArgs { multipleReqs(req2: 2) b: multipleReqs } }", [
            "Field \"multipleReqs\" argument \"req1\" of type \"Int!\" is required, but it was not provided. @1:21",
            "Field \"multipleReqs\" argument \"req1\" of type \"Int!\" is required, but it was not provided. @1:43",
            "Field \"multipleReqs\" argument \"req2\" of type \"Int!\" is required, but it was not provided. @1:43",
        ])
    }
    func testRejectsMissingDirectiveArguments() {
        expectErrors("{ dog @include { name @skip } }", [
            "Directive \"@include\" argument \"if\" of type \"Boolean!\" is required, but it was not provided. @1:7",
            "Directive \"@skip\" argument \"if\" of type \"Boolean!\" is required, but it was not provided. @1:23",
        ])
    }
}

final class ValidationVariablesInAllowedPositionRuleTests: ValidationRuleTestCase {
    override var ruleName: String { "VariablesInAllowedPosition" }
    func testAcceptsMatchingAndSubtypeVariables() {
        expectValid("query Q($b: Boolean!, $s: String!, $i: Int, $l: [String!]) { complicatedArgs { booleanArgField(booleanArg: $b) stringListArgField(stringListArg: [$s]) multipleOpts(opt1: $i) stringListNonNullArgField(stringListNonNullArg: $l) nonNullFieldWithDefault(arg: $i) } dog @include(if: $b) { name } }")
    }
    func testAcceptsNullableVariableWithDefaultInNonNullPosition() {
        expectValid("query Q($i: Int = 1) { complicatedArgs { nonNullIntArgField(nonNullIntArg: $i) } }")
    }
    func testRejectsNullableVariableInNonNullPosition() {
        expectErrors("query Q($i: Int, $b: Boolean) {\n  complicatedArgs { nonNullIntArgField(nonNullIntArg: $i) }\n  dog @include(if: $b) { name }\n}", [
            "Variable \"$i\" of type \"Int\" used in position expecting type \"Int!\". @1:9,2:55",
            "Variable \"$b\" of type \"Boolean\" used in position expecting type \"Boolean!\". @1:18,3:20",
        ])
    }
    func testRejectsWrongTypesAndListMismatches() {
        expectErrors("query Q($s: String, $l: [String], $n: Int = null) { complicatedArgs { intArgField(intArg: $s) stringArgField(stringArg: $l) stringListNonNullArgField(stringListNonNullArg: $l) nonNullIntArgField(nonNullIntArg: $n) } }", [
            "Variable \"$s\" of type \"String\" used in position expecting type \"Int\". @1:9,1:91",
            "Variable \"$l\" of type \"[String]\" used in position expecting type \"String\". @1:21,1:121",
            "Variable \"$l\" of type \"[String]\" used in position expecting type \"[String!]\". @1:21,1:173",
            "Variable \"$n\" of type \"Int\" used in position expecting type \"Int!\". @1:35,1:211",
        ])
    }
    func testChecksUsagesInsideFragments() {
        expectErrors("query Q($b: Boolean) { ...F } fragment F on QueryRoot { dog @skip(if: $b) { name } }", [
            "Variable \"$b\" of type \"Boolean\" used in position expecting type \"Boolean!\". @1:9,1:71",
        ])
    }
}

final class ValidationOverlappingFieldsCanBeMergedRuleTests: ValidationRuleTestCase {
    override var ruleName: String { "OverlappingFieldsCanBeMerged" }
    func testAcceptsIdenticalAndAliasedFields() {
        expectValid("fragment F on Dog { name name otherName: name doesKnowCommand(dogCommand: SIT) doesKnowCommand(dogCommand: SIT) }")
    }
    func testRejectsSameAliasDifferentFields() {
        expectErrors("fragment F on Dog { name: nickname name }", [
            "Fields \"name\" conflict because \"nickname\" and \"name\" are different fields. Use different aliases on the fields to fetch both if this was intentional. @1:21,1:36",
        ])
    }
    func testRejectsDifferentArguments() {
        expectErrors("fragment F on Dog { doesKnowCommand(dogCommand: SIT) doesKnowCommand(dogCommand: HEEL) doesKnowCommand }", [
            "Fields \"doesKnowCommand\" conflict because they have differing arguments. Use different aliases on the fields to fetch both if this was intentional. @1:21,1:54",
            "Fields \"doesKnowCommand\" conflict because they have differing arguments. Use different aliases on the fields to fetch both if this was intentional. @1:21,1:88",
            "Fields \"doesKnowCommand\" conflict because they have differing arguments. Use different aliases on the fields to fetch both if this was intentional. @1:54,1:88",
        ])
    }
    func testAllowsDifferentFieldsOnDisjointObjectTypes() {
        expectValid("{ catOrDog { ... on Dog { x: name } ... on Cat { x: nickname } } }")
    }
    func testRejectsConflictingReturnTypesEvenOnDisjointTypes() {
        expectErrors("{ catOrDog { ... on Dog { x: barkVolume } ... on Cat { x: nickname } } }", [
            "Fields \"x\" conflict because they return conflicting types \"Int\" and \"String\". Use different aliases on the fields to fetch both if this was intentional. @1:27,1:56",
        ])
    }
    func testReportsDeepConflictsWithSubfieldReasons() {
        expectErrors("{\n  dog { x: name mother { y: name } }\n  dog { x: nickname mother { y: barks } }\n}", [
            "Fields \"dog\" conflict because subfields \"x\" conflict because \"name\" and \"nickname\" are different fields and subfields \"mother\" conflict because subfields \"y\" conflict because \"name\" and \"barks\" are different fields. Use different aliases on the fields to fetch both if this was intentional. @2:3,2:9,2:17,2:26,3:3,3:9,3:21,3:30",
        ])
    }
    func testFindsConflictsThroughFragments() {
        expectErrors("{ dog { ...A ...B } }\nfragment A on Dog { x: name }\nfragment B on Dog { x: barks }", [
            "Fields \"x\" conflict because \"name\" and \"barks\" are different fields. Use different aliases on the fields to fetch both if this was intentional. @2:21,3:21",
        ])
    }
    func testRejectsListVersusNonListAndNullability() {
        expectErrors("{ human { x: relatives { name } } human { x: pets { name } } dog { t: tags } dog { t: nickname } }", [
            "Fields \"human\" conflict because subfields \"x\" conflict because \"relatives\" and \"pets\" are different fields. Use different aliases on the fields to fetch both if this was intentional. @1:3,1:11,1:35,1:43",
            "Fields \"dog\" conflict because subfields \"t\" conflict because \"tags\" and \"nickname\" are different fields. Use different aliases on the fields to fetch both if this was intentional. @1:62,1:68,1:78,1:84",
        ])
    }
}

final class ValidationUniqueInputFieldNamesRuleTests: ValidationRuleTestCase {
    override var ruleName: String { "UniqueInputFieldNames" }
    func testAcceptsDistinctInputFields() {
        expectValid("{ complicatedArgs { complexArgField(complexArg: {requiredField: true, nested: {color: TAN, deep: {requiredField: false}}}) } }")
    }
    func testRejectsDuplicateInputFieldsAtEachLevel() {
        expectErrors("{ complicatedArgs { complexArgField(complexArg: {requiredField: true, requiredField: false, nested: {color: TAN, color: BROWN}}) } }", [
            "There can be only one input field named \"requiredField\". @1:50,1:71",
            "There can be only one input field named \"color\". @1:102,1:114",
        ])
    }
}

final class ValidationMaxIntrospectionDepthRuleTests: ValidationRuleTestCase {
    override var ruleName: String { "MaxIntrospectionDepth" }
    func testAcceptsNormalIntrospection() {
        expectValid("{ __schema { types { fields { type { name ofType { name } } } } } }")
    }
    func testRejectsDeeplyNestedIntrospection() {
        expectErrors("{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }", [
            "Maximum introspection depth exceeded @1:3",
        ])
    }
}

